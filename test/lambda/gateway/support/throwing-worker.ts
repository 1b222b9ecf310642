import { serveFailing } from './failing-workers';

serveFailing('throw');

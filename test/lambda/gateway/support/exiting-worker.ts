import { serveFailing } from './failing-workers';

serveFailing('exit');

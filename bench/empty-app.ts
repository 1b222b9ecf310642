/** The empty one-stack app `bench/synth.ts` compares this app's synth with. */
import { App, Stack } from 'aws-cdk-lib';

const app = new App();
new Stack(app, 'Empty', { env: { account: '111111111111', region: 'cn-north-1' } });
app.synth();

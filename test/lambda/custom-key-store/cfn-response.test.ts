import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendResponse } from '../../../lambda/custom-key-store/cfn-response';

let server: Server;
let received: Array<{ method?: string; url?: string; body: string }>;
let status: number;

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, body });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  received = [];
  status = 200;
});

const url = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/response?X-Amz-Signature=abc`;

test('PUTs the body to the pre-signed URL, query string intact', async () => {
  await sendResponse(url(), '{"Status":"SUCCESS"}');
  expect(received).toEqual([{ method: 'PUT', url: '/response?X-Amz-Signature=abc', body: '{"Status":"SUCCESS"}' }]);
});

test('a refused answer is an error (the invocation then lands in the dead-letter queue)', async () => {
  status = 403;
  await expect(sendResponse(url(), '{}')).rejects.toThrow(/CloudFormation refused the response: HTTP 403/);
});

import { createServer, IncomingMessage, Server } from 'http';
import { AddressInfo } from 'net';
import { S3Client } from '@aws-sdk/client-s3';

// The objects the registry writes are checked on the requests the real S3 client sends, received by a small HTTP
// server on loopback that records them and answers as S3 does. No S3-compatible server from the npm registry is well
// kept: s3rver, the only one, has had no release since 3.7.1 in 2021 and is unmaintained, so the tests do not use it.

export interface RecordedRequest {
  readonly method: string;
  /** The URL path, decoded: `/<bucket>/<key>` (the client is in path style). */
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export class RecordingS3 {
  public static async start(): Promise<RecordingS3> {
    const s3 = new RecordingS3();
    await new Promise<void>((resolve) => s3.server.listen(0, '127.0.0.1', resolve));
    return s3;
  }

  public readonly requests: RecordedRequest[] = [];
  /** The status of the next answers: 200, or an S3 error that the SDK does not retry. */
  public failWith?: { status: number; code: string };
  private readonly server: Server;

  private constructor() {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.requests.push({ method: request.method!, path: decodeURIComponent(new URL(request.url!, 'http://s3').pathname), headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        if (this.failWith) {
          response.writeHead(this.failWith.status, { 'content-type': 'application/xml' });
          response.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${this.failWith.code}</Code><Message>refused</Message></Error>`);
          return;
        }
        response.writeHead(200, { etag: '"0123456789abcdef0123456789abcdef"' });
        response.end();
      });
    });
  }

  /** The server's URL. */
  public get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  public client(region = 'eu-west-1'): S3Client {
    return new S3Client({
      endpoint: this.endpoint,
      forcePathStyle: true,
      region,
      credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-test-secret' },
    });
  }

  public async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

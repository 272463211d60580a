import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage } from 'node:http';
import { createLogger } from '@wix-pos-gateway/runtime';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadWorkerConfig } from '../apps/pos-worker/src/config';
import { SubmitOrderService } from '../apps/pos-worker/src/orders/submit-order.service';
import { openWorkerCore } from '../apps/pos-worker/src/worker-core';

/**
 * The in-process limit: a bare HTTP handler that does a worker's whole job for an order
 * (validation, mapping, ledger claim, the integration, settlement) with no gateway and no
 * Kafka in between. Configured like a worker (`BRAND`, `DATABASE_URL`, `PORT`, …).
 */
async function main(): Promise<void> {
  const config = loadWorkerConfig(process.env);
  const logger = createLogger(config.logLevel);
  Logger.overrideLogger(logger);
  const { module } = await openWorkerCore(config, logger, process.env);
  const app = await NestFactory.createApplicationContext(module, { logger });
  const orders = app.get(SubmitOrderService);

  const server = createServer((req, res) => {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET') return answer(200, { status: 'ok' });
    void readBody(req).then(async (text) => {
      const receivedAt = Date.now();
      const body: unknown = JSON.parse(text);
      answer(
        200,
        await orders.submit({
          brand: config.brand,
          body,
          receivedAt,
          budgetMs: 8_000,
          arrivedAt: performance.now(),
          correlationId: randomUUID(),
        }),
      );
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(config.port, '127.0.0.1');
  const stop = () => server.close(() => void app.close().then(() => process.exit(0)));
  process.once('SIGTERM', stop);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString()));
    req.on('error', reject);
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

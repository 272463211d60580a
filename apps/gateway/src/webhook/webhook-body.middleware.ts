import { Injectable, NestMiddleware } from '@nestjs/common';
import { SpiErrorCode, findUnsafeJson, spiFailure } from '@app/contracts';
import express, { NextFunction, RequestHandler, Response } from 'express';
import { GatewayConfig } from '../config';
import { WebhookRequest } from './webhook-request';

/**
 * Reads the webhook body so that every failure still answers in the SPI shape: a non-JSON
 * content type (415), a body over `MAX_BODY_BYTES` (413), malformed JSON (400), and JSON that
 * is nested too deep or carries `__proto__` keys (400). Parser messages are never echoed:
 * they quote the body, and the body may hold card data.
 */
@Injectable()
export class WebhookBodyMiddleware implements NestMiddleware {
  private readonly parse: RequestHandler;

  constructor(config: GatewayConfig) {
    this.parse = express.json({
      limit: config.MAX_BODY_BYTES,
      type: () => true,
      verify: (req, _res, buffer) => {
        (req as WebhookRequest).rawBody = buffer;
      },
    });
  }

  use(req: WebhookRequest, res: Response, next: NextFunction): void {
    req.receivedAt = Date.now();
    if (!req.is('application/json')) {
      reject(res, 415, 'the body must be JSON sent with content-type application/json');
      return;
    }
    this.parse(req, res, (error?: unknown) => {
      if (error) {
        const [status, description] = describeParseError(error);
        reject(res, status, description);
        return;
      }
      const unsafe = findUnsafeJson(req.body);
      if (unsafe) {
        reject(res, 400, `the body is not acceptable: ${unsafe}`);
        return;
      }
      next();
    });
  }
}

function describeParseError(error: unknown): [number, string] {
  const { type, limit } = error as { type?: string; limit?: number };
  switch (type) {
    case 'entity.too.large':
      return [413, `the body is larger than the limit of ${limit} bytes`];
    case 'entity.parse.failed':
      return [400, 'the body is not valid JSON (a JSON object is expected)'];
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return [415, 'the body must be UTF-8 JSON without content-encoding'];
    default:
      return [400, 'the body could not be read'];
  }
}

function reject(res: Response, status: number, description: string): void {
  res.status(status).json(spiFailure(SpiErrorCode.PosError, description));
}

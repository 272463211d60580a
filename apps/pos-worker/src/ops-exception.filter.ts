import { ArgumentsHost, Catch, HttpException, ServiceUnavailableException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { BaseRpcExceptionFilter } from '@nestjs/microservices';
import { withoutQuery } from '@wix-pos-gateway/cards';
import type { Response } from 'express';

/**
 * The ops port's HTTP errors, with their message masked as the gateway masks its own: Nest's
 * would quote a URL, query and all ("Cannot GET /…?pan=…", "Failed to decode param '…'"), and
 * a URL may hold a card number. A failed health check answers in terminus's format, for probes;
 * anything else is answered as Nest answers it.
 */
@Catch(HttpException)
export class OpsExceptionFilter extends BaseExceptionFilter {
  private readonly rpc = new BaseRpcExceptionFilter();

  override catch(exception: HttpException, host: ArgumentsHost): unknown {
    if (host.getType() !== 'http') return this.rpc.catch(exception, host);
    if (exception instanceof ServiceUnavailableException) return super.catch(exception, host);
    const status = exception.getStatus();
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(status)
      .json({ statusCode: status, message: withoutQuery(exception.message) });
    return undefined;
  }
}

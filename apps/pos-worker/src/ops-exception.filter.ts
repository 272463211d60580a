import { ArgumentsHost, Catch, HttpException, NotFoundException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { BaseRpcExceptionFilter } from '@nestjs/microservices';
import { isNoRouteMessage, withoutQuery } from '@wix-pos-gateway/cards';
import type { Response } from 'express';

/**
 * The ops port's answer to a request no route takes: Nest's own would quote the whole URL,
 * query and all, and a URL may hold a card number. The path is masked and the query left out,
 * as the gateway does. Every other exception is answered as Nest answers it.
 */
@Catch(NotFoundException)
export class NoRouteFilter extends BaseExceptionFilter {
  private readonly rpc = new BaseRpcExceptionFilter();

  override catch(exception: HttpException, host: ArgumentsHost): unknown {
    if (host.getType() !== 'http') return this.rpc.catch(exception, host);
    if (!isNoRouteMessage(exception.message)) return super.catch(exception, host);
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(404)
      .json({ statusCode: 404, error: 'Not Found', message: withoutQuery(exception.message) });
    return undefined;
  }
}

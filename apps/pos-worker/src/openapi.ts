import { INestApplication } from '@nestjs/common';
import { openApiDocument } from '@wix-pos-gateway/openapi';

/** The worker's HTTP surface: health, metrics and the operator's order lookup. */
export function workerOpenApi(app: INestApplication) {
  return openApiDocument(app, {
    title: 'wix-pos-gateway POS worker',
    description:
      'Health, Prometheus metrics and the read-only order lookup of a POS worker. Orders ' +
      'reach the worker over Kafka, not HTTP.',
    bearer: true,
  });
}

import { Logger } from '@nestjs/common';
import { OrderHeader, isSpiResponse, wixOrderIdOf } from '@app/contracts';
import { KafkaRequestClient, RequestPacket } from '@app/kafka';

const logger = new Logger('orders');

/**
 * A worker accepted an order whose call this gateway had already answered `endpoint_down`
 * (the reply came late, e.g. across a broker outage): Wix thinks it failed, so the brand's
 * workers are asked to void it.
 */
export async function voidLateAcceptance(
  client: KafkaRequestClient,
  late: { topic: string; request: RequestPacket; response: unknown },
): Promise<void> {
  const { topic, request, response } = late;
  if (!isSpiResponse(response) || !('value' in response)) return;
  const wixOrderId = wixOrderIdOf(request.value);
  if (!wixOrderId) return;
  logger.warn({
    event: 'order.late_acceptance',
    correlationId: request.correlationId,
    wixOrderId,
    posOrderId: response.value.orderId,
  });
  await client
    .notify(topic, {
      key: request.key,
      value: JSON.stringify({ void: { wixOrderId } }),
      headers: {
        [OrderHeader.Void]: wixOrderId,
        [OrderHeader.CorrelationId]: request.correlationId ?? '',
      },
    })
    .catch((error: unknown) =>
      logger.error({ event: 'order.void_not_sent', wixOrderId, error: String(error) }),
    );
}

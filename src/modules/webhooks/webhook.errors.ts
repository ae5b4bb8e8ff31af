import { AppError, badInput, notFound } from '../../graphql/errors';

/** NOT_FOUND for a webhook missing or outside the caller's scope. */
export function webhookNotFound(field = 'id'): AppError {
  return notFound('Webhook', field);
}

/** NOT_FOUND for a delivery missing or outside the caller's scope. */
export function deliveryNotFound(field = 'id'): AppError {
  return notFound('WebhookDelivery', field);
}

/** BAD_USER_INPUT for a URL the platform refuses to call. */
export function refusedUrl(message: string): AppError {
  return badInput('url', message);
}

import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

export interface ApiDescription {
  title: string;
  description: string;
  bearer?: boolean;
}

/** The app's OpenAPI document, from its controllers' decorators. */
export function openApiDocument(app: INestApplication, api: ApiDescription): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle(api.title)
    .setDescription(api.description)
    .setVersion('1');
  if (api.bearer) builder.addBearerAuth();
  return SwaggerModule.createDocument(app, builder.build());
}

/** Serves the document as JSON at `GET /openapi.json` (no UI: nothing to load from elsewhere). */
export function serveOpenApi(app: INestApplication, document: OpenAPIObject): void {
  SwaggerModule.setup('docs', app, document, {
    ui: false,
    raw: ['json'],
    jsonDocumentUrl: 'openapi.json',
  });
}

import { openDatabase, untilDatabaseAnswers } from '@wix-pos-gateway/database';
import { DynamicModule, LoggerService } from '@nestjs/common';
import { WorkerConfig } from './config';
import { loadIntegration } from './integration/load-integration';
import { LoadedIntegration } from './integration/pos-integration.provider';
import { migrate } from './ledger/migrate';
import { WorkerModule } from './worker.module';

/**
 * The worker's database (migrated) and integration, and the module around them. `env` is what
 * the integration reads its own settings from.
 */
export async function openWorkerCore(
  config: WorkerConfig,
  logger: LoggerService,
  env: NodeJS.ProcessEnv,
): Promise<{ module: DynamicModule; integration: LoadedIntegration }> {
  const database = await openDatabase({
    ...config.database,
    // A broken idle connection (a database restart) is replaced; orders meanwhile answer endpoint_down.
    onIdleError: (error) => {
      logger.warn(`idle database connection lost: ${error.message}`);
    },
  });
  // Started while the database restarts, the worker waits for it, as for Kafka.
  const warn = (message: string) => {
    logger.warn(message);
  };
  await untilDatabaseAnswers('migrations', () => migrate(database), warn);
  const integration = await untilDatabaseAnswers(
    'the integration',
    () =>
      loadIntegration(
        config.integration.name,
        { brand: config.brand, env, database },
        config.integration.dir,
      ),
    warn,
  );
  return { module: WorkerModule.forRoot(config, integration, database), integration };
}

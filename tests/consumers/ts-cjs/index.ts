// A CommonJS consumer (compiled to require()) of the generated package, installed in node_modules.
import { WorkerClient, MessageTypes, ConfigError, DEFAULT_MAX_ANSWER_BYTES } from '@mesh-sync/worker-backend-client';
import type { AnalyticsCollectionRequestMessage, JobStatus } from '@mesh-sync/worker-backend-client';

// (no @types/node: only what this program uses)
declare const process: { env: { [name: string]: string | undefined }; exit(code: number): never };

const client = new WorkerClient({ baseUrl: process.env.SERVER_URL + '/s/ok', timeout: 10000 });
const payload: AnalyticsCollectionRequestMessage = { query: 'benchy', options: { pages: 3 } };

async function main(): Promise<void> {
  const job = await client.sendToQueue(MessageTypes.ANALYTICS_COLLECTION_REQUEST, payload);
  const status: JobStatus = await client.getJobStatus(job.jobId);
  console.log(`cjs ${job.jobId} ${status.state} ${DEFAULT_MAX_ANSWER_BYTES}`);
  // @ts-expect-error a file-download-request payload is not an analytics-collection-request
  void client.sendToQueue(MessageTypes.ANALYTICS_COLLECTION_REQUEST, { modelId: 'm', storageLocation: { path: 'p' } }, { validate: true }).catch(() => undefined);
  // @ts-expect-error the query must be a string
  void client.analyticsCollectionRequest({ query: 42 }).catch(() => undefined);
  try {
    new WorkerClient({ baseUrl: 'http://127.0.0.1:9', apiKey: 'k\r\nX-Injected: yes' });
  } catch (e) {
    console.log(`cjs refused ${e instanceof ConfigError}`);
  }
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });

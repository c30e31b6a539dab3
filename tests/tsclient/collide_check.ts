// Copied into src/ of the TypeScript client generated from
// tests/consumers/python-collide/catalogue.yaml (a catalogue with its own
// JobResponse/JobStatus and no x-http-api) and compiled with tsc --strict:
// the catalogue's types and the client's answer types stay apart (the job
// client is CollideClientHttp: the catalogue has no x-http-api). Were the
// client's JobResponse merged into the catalogue's (or exported twice), the
// payload below would lack members or the export would be ambiguous.
import { JobResponse, JobResponseAnswer, JobStatus, JobStatusAnswer, CollideClientHttp } from './index.js';

const status: JobStatus = { phase: 'done' };
const payload: JobResponse = { ticket: 't-1', status };
// @ts-expect-error: jobId belongs to the client's answer type, not to the catalogue's JobResponse
const wrong: JobResponse = { ticket: 't-2', jobId: 'j' };

export async function use(client: CollideClientHttp): Promise<string> {
  const answer: JobResponseAnswer = await client.sendToQueue('job-response', payload);
  const state: JobStatusAnswer = await client.getJobStatus(answer.jobId);
  return answer.jobId + state.state + String(wrong.ticket);
}

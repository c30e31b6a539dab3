"""The catalogue's own JobResponse/JobStatus beside the per-operation client
(no x-http-api: the client follows the catalogue's operations, docs/clients.md)."""
from collide_client import CollideClient, JobResponse, JobStatus
from collide_client.client import MemoryTransport


def payload() -> JobResponse:
    phase: JobStatus = {"phase": "done"}
    return {"ticket": "t-1", "status": phase}


client = CollideClient(MemoryTransport())
client.connect()
client.send_job_response(payload())
print(payload()["ticket"], type(client).__name__)

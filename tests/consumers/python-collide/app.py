"""The catalogue's own JobResponse/JobStatus beside the client's answer types."""
from collide_client import JobResponse, JobResponseAnswer, JobStatus, JobStatusAnswer, WorkerClient


def payload() -> JobResponse:
    phase: JobStatus = {"phase": "done"}
    return {"ticket": "t-1", "status": phase}


def answer_id(a: JobResponseAnswer, s: JobStatusAnswer) -> str:
    return a.job_id + s.state


client = WorkerClient("http://127.0.0.1:9")
print(payload()["ticket"], callable(answer_id), client.base_url)

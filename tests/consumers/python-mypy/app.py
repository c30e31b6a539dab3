"""A consumer of the generated worker-backend Python package, in the reference
client's style (seeds/python-client-pypi-page.txt). Type-checked with
mypy --strict, then run against the job server (SERVER_URL)."""
import os

from worker_client import JobResponse, JobStatus, MessageTypes, WorkerClient, WorkerClientError


def main() -> None:
    with WorkerClient(base_url=os.environ["SERVER_URL"] + "/s/ok", timeout=10) as client:
        job: JobResponse = client.analytics_collection_request({
            "marketplace": "etsy",
            "query": "articulated dragon",
            "options": {"pages": 3},
        })
        print(f"Job created: {job.job_id}")
        status: JobStatus = client.get_job_status(job.job_id)
        state: str = status.state
        print(f"Job state: {state}")
        job2 = client.send_to_queue(MessageTypes.ANALYTICS_COLLECTION_REQUEST, {"query": "benchy"},
                                    {"check_answers": False, "timeout": 5.0})
        name: str = job2.message_name
        print(f"Message: {name}, success: {job2.success}, progress: {status.progress}")
    try:
        WorkerClient(base_url="http://127.0.0.1:9", api_key="k\r\nX-Injected: yes")
    except WorkerClientError as e:
        print(f"refused: {type(e).__name__}")


if __name__ == "__main__":
    main()

"""The queue service as JupyterHub runs it (``python -m jupyterlab_hpc.slurm.service``) ends on
SIGTERM, also while clients ask it for fresh data (each request wakes its poll loop) and squeue
runs. Python 3.11's ``asyncio.wait_for`` lost a cancellation that came in the moment the loop
was woken: the loop went on and the service never exited."""

import asyncio
import signal
import subprocess
import sys
import time

import pytest
from test_queue_service import SCOPE, fake_hub, free_port
from test_slurm_faults import script
from tornado.httpclient import AsyncHTTPClient

from jupyterlab_hpc.slurm.config import Slurm
from jupyterlab_hpc.slurm.service.poller import QueuePoller, Timing

pytestmark = pytest.mark.slurm_cluster

ROUNDS = 4  # the lost cancellation needs a request in the very moment: each round tries once more


def service_config(tmp_path, port, hub_url):
    config = tmp_path / "queue_service_config.py"
    squeue = script(tmp_path / "squeue", "exit 0\n")
    config.write_text(
        f"c.QueueService.url = 'http://127.0.0.1:{port}'\n"
        "c.QueueService.prefix = '/services/hpc-queue/'\n"
        "c.QueueService.interval = 0.5\n"
        "c.QueueService.min_interval = 0.0\n"
        "c.QueueService.duration_factor = 0.0\n"
        f"c.HubAuth.api_url = '{hub_url}'\n"
        "c.HubAuth.api_token = 'the-service-token'\n"
        f"c.HubAuth.access_scopes = {{'{SCOPE}'}}\n"
        f"c.Slurm.commands = {{'squeue': '{squeue}'}}\n"
    )
    return str(config)


async def test_sigterm_ends_the_service_while_clients_ask_for_fresh_data(tmp_path):
    async with fake_hub() as hub:
        for round in range(ROUNDS):
            port = free_port()
            base = f"http://127.0.0.1:{port}/services/hpc-queue/"
            log = tmp_path / f"service-{round}.log"
            config = service_config(tmp_path, port, hub)
            with log.open("wb") as out:
                service = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "jupyterlab_hpc.slurm.service", f"--config={config}",
                    stdout=out, stderr=subprocess.STDOUT,
                )  # fmt: skip
            try:
                client = AsyncHTTPClient()
                headers = {"Authorization": "token alice-token"}

                async def ask():
                    # newer_than=now: the poll loop is woken for a refresh at every request
                    url = f"{base}jobs?scope=all&format=columns&newer_than={time.time()}"
                    try:
                        return await client.fetch(url, headers=headers, raise_error=False, request_timeout=10)
                    except Exception:  # refused, cut off or timed out: the service is going away
                        await asyncio.sleep(0.05)
                        return None

                for _ in range(100):
                    answer = await ask()
                    if answer is not None and answer.code == 200:
                        break
                    await asyncio.sleep(0.1)
                else:
                    pytest.fail(f"the service did not answer: {log.read_text()[-2000:]}")

                running = True

                async def keep_asking():
                    while running:
                        await ask()

                clients = [asyncio.ensure_future(keep_asking()) for _ in range(4)]
                await asyncio.sleep(0.5 + 0.15 * round)
                service.send_signal(signal.SIGTERM)
                exit_code = asyncio.ensure_future(service.wait())
                await asyncio.wait({exit_code}, timeout=5)
                running = False
                await asyncio.gather(*clients)
                assert exit_code.done(), f"round {round}: still running 5 s after SIGTERM: {log.read_text()[-2000:]}"
                assert exit_code.result() == 0, log.read_text()[-2000:]
            finally:
                if service.returncode is None:
                    service.kill()
                    await service.wait()


async def test_a_request_in_the_moment_of_stop_does_not_keep_the_poll_loop_running(tmp_path):
    """The same, made certain: a client wakes the waiting loop just before ``stop`` cancels it."""
    poller = QueuePoller(
        Slurm(commands={"squeue": script(tmp_path / "squeue", "exit 0\n")}), Timing(interval=60.0), 60.0
    )
    poller.start()
    await poller.ready()  # the first refresh is done: the loop waits for the next interval (or a request)
    runs = poller.squeue_runs
    asking = asyncio.ensure_future(poller.ready(time.time()))  # wakes the loop ...
    stopping = asyncio.ensure_future(poller.stop())  # ... and the service stops before the loop runs
    try:
        done, _ = await asyncio.wait({stopping}, timeout=5)
        assert stopping in done, "the poll loop went on after stop()"
        assert poller.squeue_runs == runs
    finally:
        asking.cancel()
        poller._task.cancel()
        poller.backend.job_lists.cancel()
        await asyncio.wait({stopping, poller._task, asking})

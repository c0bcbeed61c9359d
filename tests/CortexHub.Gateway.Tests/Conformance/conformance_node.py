"""A CortexHub node written from docs/protocol.md alone, with grpcio stubs generated from protos/.

Usage: conformance_node.py ADDRESS NODE_ID TOKEN SCENARIO

The node does what docs/protocol.md asks of every node (section 13): Hello with every held task,
Welcome's resume positions, heartbeats at Welcome's interval, task events with sequence numbers
kept until acknowledged and resent on the next stream, CommandAck, dispatches run for real with
`bash -c` in their own process group, cancels, timeouts, reconnects on a new connection. Of
section 15 it takes stdin (`stdin_open` dispatches and TaskInput, offset-deduplicated, `end`
closes stdin) but runs no terminal sessions: it fails those, and confirms ResizeTerminal without
applying it, as section 13 allows. A scenario changes one thing:

  hello      connect and stay connected
  dispatch   run dispatches
  lines      run dispatches, one output event per line of output
  drop       as lines; after the first task's 200th event kill the connection before the hub can
             acknowledge it, reconnect and resend from Welcome's position
  cancel     run dispatches and cancels
  halfclose  as lines; half-close right after the first task's result, without waiting for its acks
  liveness   as hello; does not reconnect once `silent` ended the stream

Control lines on stdin: `stop` half-closes the stream and exits once the hub ends the call;
`quiet` stops heartbeats but keeps the stream busy with terminal output; `silent` stops every
message, so the hub's silence rule ends the stream.

Prints one line per observation, `<what> key=value ...` (a `detail=` field runs to the end of the
line); the test reads them as they come.
"""
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time

import grpc

from cortexhub.v1 import node_link_pb2 as pb
from cortexhub.v1 import node_link_pb2_grpc as rpc

READ_SIZE = 16 * 1024  # section 12: output in chunks of at most 16 KiB
DROP_AFTER = 200
_print_lock = threading.Lock()


def say(what, **fields):
    detail = fields.pop("detail", None)
    parts = [what] + ["%s=%s" % (k, v) for k, v in fields.items()]
    if detail is not None:
        parts.append("detail=" + str(detail).replace("\n", " "))
    with _print_lock:
        print(" ".join(parts), flush=True)


class Stream:
    """One Connect call on its own channel (section 2: a new HTTP/2 connection for each stream)."""

    def __init__(self, address):
        # A local subchannel pool: grpcio otherwise shares one TCP connection between channels to the same address.
        self.channel = grpc.insecure_channel(address, options=[("grpc.enable_http_proxy", 0),
                                                               ("grpc.use_local_subchannel_pool", 1)])
        self.outgoing = queue.Queue()
        self.responses = rpc.NodeLinkStub(self.channel).Connect(self._requests())
        self.closed = False

    def _requests(self):
        while True:
            item = self.outgoing.get()
            if item is None:
                return
            yield item

    def send(self, message):
        if not self.closed:
            self.outgoing.put(message)

    def half_close(self):
        if not self.closed:
            self.closed = True
            self.outgoing.put(None)

    def kill(self):
        """Drops the connection at once: nothing queued is sent, nothing in flight is acknowledged."""
        self.closed = True
        self.outgoing.put(None)
        self.channel.close()


class HeldTask:
    def __init__(self, task_id):
        self.task_id = task_id
        self.next_sequence = 1
        self.unacked = []  # TaskEvents not yet covered by an Ack, oldest first
        self.process = None
        self.cancel_reason = None
        self.timed_out = False
        self.result_sent = False
        self.events_sent = 0  # on the current stream
        self.input_taken = 0  # section 15: offset just past the last input byte taken
        self.input_ended = False
        self.input = queue.Queue()  # bytes for stdin, then None for the end


class Node:
    def __init__(self, address, node_id, token, scenario):
        self.address = address
        self.node_id = node_id
        self.token = token
        self.scenario = scenario
        self.lock = threading.RLock()
        self.tasks = {}
        self.finished_tasks = set()  # task ids whose result was acknowledged: a redelivered dispatch is only confirmed
        self.seen_commands = set()
        self.stream = None  # the welcomed stream, or None while (re)connecting
        self.heartbeat_ms = 0
        self.beating = True
        self.silent = False
        self.stopping = False
        self.dropped = False

    # ---- streams ---------------------------------------------------------------------------

    def run(self):
        threading.Thread(target=self._control, daemon=True).start()
        threading.Thread(target=self._heartbeats, daemon=True).start()
        attempt = 0
        while True:
            status, detail = self._one_stream()
            say("ended", status=status, detail=detail)
            if self.stopping or status in ("OK", "UNAUTHENTICATED", "INVALID_ARGUMENT", "RESOURCE_EXHAUSTED"):
                return 0 if status == "OK" else 1
            if self.scenario == "liveness" and self.silent:
                return 0 if status == "UNAVAILABLE" else 1
            # Section 11: backoff with full jitter; a drop we caused ourselves reconnects at once.
            attempt += 1
            if not (self.dropped and attempt == 1):
                time.sleep(min(1.0, 0.2 * attempt))

    def _one_stream(self):
        stream = Stream(self.address)
        with self.lock:
            running = [pb.RunningTask(task_id=t.task_id, last_sequence_sent=t.next_sequence - 1) for t in self.tasks.values()]
        stream.send(pb.NodeMessage(hello=pb.Hello(
            node_id=self.node_id, token=self.token, agent_version="conformance-node/1", hostname=socket.gethostname(),
            labels={"lang": "python", "suite": "conformance"}, running_tasks=running, pool_slots=0)))
        try:
            for message in stream.responses:
                kind = message.WhichOneof("body")
                if kind == "welcome":
                    self._welcomed(stream, message.welcome)
                elif kind == "dispatch":
                    self._dispatch(message.dispatch)
                elif kind == "cancel":
                    self._cancel(message.cancel)
                elif kind == "ack":
                    self._ack(message.ack)
                elif kind == "input":
                    self._input(message.input)
                elif kind == "resize":
                    self._confirm(message.resize.command_id)  # no terminals here: confirmed, not applied (section 15)
                elif kind == "drain":
                    say("drain", detail=message.drain.reason)
                # Ping needs no answer (section 5).
            return "OK", ""
        except grpc.RpcError as error:
            return error.code().name, error.details()
        finally:
            with self.lock:
                if self.stream is stream:
                    self.stream = None
            stream.half_close()
            stream.channel.close()

    def _welcomed(self, stream, welcome):
        with self.lock:
            self.heartbeat_ms = welcome.heartbeat_interval_ms
            say("welcome", silo=welcome.silo_id, heartbeat_ms=welcome.heartbeat_interval_ms, resume=len(welcome.resume))
            for resume in welcome.resume:
                task = self.tasks.get(resume.task_id)
                if task is None:
                    continue
                say("resume", task=resume.task_id, acked=resume.acked_sequence, known=str(resume.known).lower())
                if not resume.known:
                    self._stop(task)
                    del self.tasks[resume.task_id]
                    continue
                self._drop_acked(task, resume.acked_sequence)
            self.stream = stream
            for task in self.tasks.values():
                task.events_sent = 0
                if task.unacked:
                    say("resend", task=task.task_id, first=task.unacked[0].sequence, last=task.unacked[-1].sequence)
                for event in task.unacked:
                    self._send_event(task, event)

    def _heartbeats(self):
        """Section 5: a Heartbeat every Welcome.heartbeat_interval_ms, whatever else is sent."""
        last = 0.0
        while True:
            time.sleep(0.05)
            with self.lock:
                stream = self.stream
                interval = self.heartbeat_ms / 1000.0
                running = sum(1 for t in self.tasks.values() if t.process is not None and t.process.poll() is None)
            if stream is None or self.silent or interval <= 0:
                continue
            if not self.beating:
                interval /= 2  # liveness: no heartbeat, but (deprecated, ignored) terminal output often enough that the stream is not silent
            if time.monotonic() - last < interval:
                continue
            last = time.monotonic()
            if self.beating:
                stream.send(pb.NodeMessage(heartbeat=pb.Heartbeat(sent_at_unix_ms=int(time.time() * 1000), running_tasks=running)))
            else:
                stream.send(pb.NodeMessage(terminal=pb.TerminalOutput(data=b"still here\n")))

    def _control(self):
        for line in sys.stdin:
            command = line.strip()
            if command == "stop":
                self.stopping = True
                with self.lock:
                    stream = self.stream
                if stream is not None:
                    stream.half_close()
                say("half-closed")
            elif command == "quiet":
                self.beating = False
                say("heartbeats-stopped")
            elif command == "silent":
                self.silent = True
                say("silent")

    # ---- commands --------------------------------------------------------------------------

    def _confirm(self, command_id):
        with self.lock:
            stream = self.stream
        if stream is not None:
            stream.send(pb.NodeMessage(command_ack=pb.CommandAck(command_id=command_id)))

    def _dispatch(self, dispatch):
        with self.lock:
            duplicate = (dispatch.command_id in self.seen_commands or dispatch.task_id in self.tasks
                         or dispatch.task_id in self.finished_tasks)
            self.seen_commands.add(dispatch.command_id)
            if not duplicate:
                task = self.tasks[dispatch.task_id] = HeldTask(dispatch.task_id)
        say("dispatch", task=dispatch.task_id, command_id=dispatch.command_id, duplicate=str(duplicate).lower())
        # Section 8: confirm once the task is registered as held, before its first event.
        self._confirm(dispatch.command_id)
        if not duplicate:
            self._emit(task, accepted=pb.TaskAccepted())
            if dispatch.HasField("terminal"):
                # Section 13: a node without terminal sessions fails them rather than running them without one.
                error = "This node does not run terminal sessions."
                say("result", task=dispatch.task_id, outcome="FAILED", detail=error)
                self._emit(task, result=pb.TaskResult(outcome=pb.TASK_OUTCOME_FAILED, exit_code=-1, error=error))
                return
            threading.Thread(target=self._execute, args=(task, dispatch), daemon=True).start()

    def _input(self, message):
        """Section 15: only the bytes past those already taken go to stdin; a chunk beyond a gap is not confirmed."""
        with self.lock:
            task = self.tasks.get(message.task_id)
            if task is not None and not task.input_ended and message.offset > task.input_taken:
                say("input", task=message.task_id, offset=message.offset, taken=task.input_taken, gap="true")
                return  # the hub delivers it again on the next stream, after the missing bytes
            if task is not None and not task.input_ended:
                fresh = message.data[task.input_taken - message.offset:]
                if fresh:
                    task.input.put(fresh)
                    task.input_taken += len(fresh)
                if message.end:
                    task.input_ended = True
                    task.input.put(None)
                say("input", task=message.task_id, offset=message.offset, new=len(fresh), end=str(message.end).lower())
        self._confirm(message.command_id)

    def _cancel(self, cancel):
        self._confirm(cancel.command_id)
        with self.lock:
            task = self.tasks.get(cancel.task_id)
            say("cancel", task=cancel.task_id, command_id=cancel.command_id, held=str(task is not None).lower(), detail=cancel.reason)
            if task is None or task.result_sent:
                return  # never held, or finished: its result stands
            if cancel.command_id.startswith("reject:"):
                self._stop(task)
                del self.tasks[cancel.task_id]
                return
            if task.cancel_reason is None:
                task.cancel_reason = cancel.reason
            self._stop(task)

    def _stop(self, task):
        if task.process is not None and task.process.poll() is None:
            os.killpg(task.process.pid, signal.SIGKILL)
            say("killed", task=task.task_id, pid=task.process.pid)

    def _ack(self, ack):
        with self.lock:
            task = self.tasks.get(ack.task_id)
            say("ack", task=ack.task_id, seq=ack.sequence)
            if task is not None:
                self._drop_acked(task, ack.sequence)

    def _drop_acked(self, task, sequence):
        task.unacked = [e for e in task.unacked if e.sequence > sequence]
        if task.result_sent and not task.unacked:
            del self.tasks[task.task_id]
            self.finished_tasks.add(task.task_id)
            say("done", task=task.task_id, last=task.next_sequence - 1)

    # ---- events ----------------------------------------------------------------------------

    def _emit(self, task, **event):
        with self.lock:
            if task.task_id not in self.tasks or task.result_sent:
                return  # dropped by a reject or known=false; nothing after the result (section 6)
            message = pb.TaskEvent(task_id=task.task_id, sequence=task.next_sequence, **event)
            task.next_sequence += 1
            task.unacked.append(message)
            if "result" in event:
                task.result_sent = True
            if self.stream is not None:
                self._send_event(task, message)

    def _send_event(self, task, event):
        stream = self.stream
        stream.send(pb.NodeMessage(task_event=event))
        task.events_sent += 1
        if self.scenario == "drop" and not self.dropped and task.events_sent == DROP_AFTER:
            self.dropped = True
            self.stream = None
            stream.kill()
            say("dropped", task=task.task_id, sent=event.sequence, unacked=len(task.unacked))
        if self.scenario == "halfclose" and event.WhichOneof("event") == "result":
            self.stream = None  # nothing more may be sent on it
            stream.half_close()
            say("half-closed", task=task.task_id, last=event.sequence)
            self.stopping = True

    # ---- running a dispatch ----------------------------------------------------------------

    def _execute(self, task, dispatch):
        environment = dict(os.environ)
        environment.update(dispatch.environment)
        with self.lock:
            cancelled_early = task.cancel_reason is not None
            if not cancelled_early:
                try:
                    task.process = subprocess.Popen(
                        ["bash", "-c", dispatch.command], cwd=dispatch.working_directory or None, env=environment,
                        stdin=subprocess.PIPE if dispatch.stdin_open else subprocess.DEVNULL,
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
                except OSError as error:
                    start_error = "Could not start the command: %s" % error
                else:
                    start_error = None
        if cancelled_early:
            self._emit(task, result=pb.TaskResult(outcome=pb.TASK_OUTCOME_CANCELLED, exit_code=-1, error="Cancelled: " + task.cancel_reason))
            return
        if start_error is not None:
            say("result", task=task.task_id, outcome="FAILED", detail=start_error)
            self._emit(task, result=pb.TaskResult(outcome=pb.TASK_OUTCOME_FAILED, error=start_error))
            return
        process = task.process
        say("started", task=task.task_id, pid=process.pid)
        self._emit(task, started=pb.TaskStarted(pid=process.pid))
        timer = None
        if dispatch.timeout_seconds > 0:
            timer = threading.Timer(dispatch.timeout_seconds, self._time_out, args=(task,))
            timer.daemon = True
            timer.start()
        if process.stdin is not None:
            threading.Thread(target=self._write_input, args=(task, process.stdin), daemon=True).start()
        readers = [threading.Thread(target=self._read, args=(task, process.stdout, pb.OUTPUT_STREAM_STDOUT)),
                   threading.Thread(target=self._read, args=(task, process.stderr, pb.OUTPUT_STREAM_STDERR))]
        for reader in readers:
            reader.start()
        code = process.wait()
        for reader in readers:
            reader.join(2.0)  # a killed task's pipes are read for up to 2 s more (section 8)
        if timer is not None:
            timer.cancel()
        exit_code = code if code >= 0 else 128 - code  # killed by a signal: the shell's 128 + n
        if task.cancel_reason is not None:
            outcome, error = pb.TASK_OUTCOME_CANCELLED, "Cancelled: " + task.cancel_reason
        elif task.timed_out:
            outcome, error = pb.TASK_OUTCOME_TIMED_OUT, "Timed out after %d s" % dispatch.timeout_seconds
        else:
            outcome, error = pb.TASK_OUTCOME_EXITED, ""
        say("result", task=task.task_id, outcome=pb.TaskOutcome.Name(outcome), exit_code=exit_code)
        self._emit(task, result=pb.TaskResult(outcome=outcome, exit_code=exit_code, error=error))

    def _time_out(self, task):
        with self.lock:
            task.timed_out = True
            self._stop(task)

    def _write_input(self, task, pipe):
        """Section 15: stdin in order, on a thread of its own (a program that does not read blocks only this)."""
        try:
            while True:
                data = task.input.get()
                if data is None:
                    break
                pipe.write(data)
                pipe.flush()
        except (BrokenPipeError, ValueError):
            pass  # the program exited or closed its stdin
        finally:
            try:
                pipe.close()
            except BrokenPipeError:
                pass

    def _read(self, task, pipe, kind):
        """Output events as produced; in the line scenarios one event per line."""
        by_line = self.scenario in ("lines", "drop", "halfclose")
        while True:
            data = pipe.readline(READ_SIZE) if by_line else os.read(pipe.fileno(), READ_SIZE)
            if not data:
                return
            self._emit(task, output=pb.OutputChunk(stream=kind, data=data))


def main():
    address, node_id, token, scenario = sys.argv[1:5]
    return Node(address, node_id, token, scenario).run()


if __name__ == "__main__":
    sys.exit(main())

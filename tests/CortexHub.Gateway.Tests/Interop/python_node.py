"""A CortexHub node written with Debian's python3-grpcio, from stubs generated from protos/.

Usage: python_node.py ADDRESS NODE_ID TOKEN MODE
  run       connect, take one dispatch, stream output, report the result, wait for the final ack
  halfclose connect, take one dispatch, send 50 events and half-close at once; read every ack, then
            expect the call to end with OK
  badtoken  connect with TOKEN (expected wrong) and print the status code
  oversize  connect, then send a 5 MiB terminal chunk and print the status code
  deadline  connect with a 1 s deadline and stay silent after Hello; print the status code
  info      call the unary GetHubInfo
Prints "status=<CODE>" or "ok ..." lines; exit code 0 when the run went as the mode expects.
"""
import queue
import socket
import sys

import grpc

from cortexhub.v1 import node_link_pb2 as pb
from cortexhub.v1 import node_link_pb2_grpc as rpc


def outgoing(q):
    while True:
        item = q.get()
        if item is None:
            return
        yield item


def hello(node_id, token):
    return pb.NodeMessage(hello=pb.Hello(node_id=node_id, token=token, agent_version="python-node/1",
                                         hostname=socket.gethostname(), labels={"lang": "python"}))


def event(task_id, seq, **kwargs):
    return pb.NodeMessage(task_event=pb.TaskEvent(task_id=task_id, sequence=seq, **kwargs))


def run(stub, node_id, token):
    q = queue.Queue()
    q.put(hello(node_id, token))
    responses = stub.Connect(outgoing(q), timeout=60)
    first = next(responses)
    assert first.WhichOneof("body") == "welcome", first
    print("ok welcome silo=%s heartbeat_ms=%d" % (first.welcome.silo_id, first.welcome.heartbeat_interval_ms))
    task_id = None
    last = 0
    for message in responses:
        kind = message.WhichOneof("body")
        if kind == "dispatch" and task_id is None:
            d = message.dispatch
            task_id = d.task_id
            print("ok dispatch task=%s command=%s" % (task_id, d.command))
            q.put(pb.NodeMessage(command_ack=pb.CommandAck(command_id=d.command_id)))
            q.put(event(task_id, 1, accepted=pb.TaskAccepted()))
            q.put(event(task_id, 2, started=pb.TaskStarted(pid=4242)))
            q.put(event(task_id, 3, output=pb.OutputChunk(stream=pb.OUTPUT_STREAM_STDOUT, data=b"hello from python\n")))
            q.put(event(task_id, 4, output=pb.OutputChunk(stream=pb.OUTPUT_STREAM_STDERR, data=b"\x1b[31mred\x1b[0m\n")))
            q.put(event(task_id, 5, result=pb.TaskResult(outcome=pb.TASK_OUTCOME_EXITED, exit_code=7)))
            last = 5
        elif kind == "ack" and task_id is not None and message.ack.task_id == task_id:
            print("ok ack seq=%d" % message.ack.sequence)
            if message.ack.sequence >= last:
                q.put(None)
                responses.cancel()
                return 0
    return 1


def half_close(stub, node_id, token, count=50):
    q = queue.Queue()
    q.put(hello(node_id, token))
    responses = stub.Connect(outgoing(q), timeout=60)
    first = next(responses)
    assert first.WhichOneof("body") == "welcome", first
    acked = 0
    try:
        for message in responses:
            kind = message.WhichOneof("body")
            if kind == "dispatch" and acked == 0:
                d = message.dispatch
                print("ok dispatch task=%s" % d.task_id, flush=True)
                q.put(pb.NodeMessage(command_ack=pb.CommandAck(command_id=d.command_id)))
                q.put(event(d.task_id, 1, started=pb.TaskStarted(pid=4343)))
                for seq in range(2, count):
                    q.put(event(d.task_id, seq, output=pb.OutputChunk(stream=pb.OUTPUT_STREAM_STDOUT, data=b"line %d\n" % seq)))
                q.put(event(d.task_id, count, result=pb.TaskResult(outcome=pb.TASK_OUTCOME_EXITED, exit_code=0)))
                q.put(None)  # half-close: nothing more from this node
            elif kind == "ack":
                acked = max(acked, message.ack.sequence)
    except grpc.RpcError as error:
        print("status=%s detail=%s acked=%d" % (error.code().name, error.details(), acked), flush=True)
        return 1
    print("ok halfclose status=OK acked=%d" % acked, flush=True)
    return 0 if acked == count else 1


def expect_status(call, first):
    """Runs call(q) with a request queue holding first; the queue is always ended afterwards, because
    gRPC's request-consuming thread would otherwise wait on it forever and keep the process alive."""
    q = queue.Queue()
    q.put(first)
    try:
        call(q)
    except grpc.RpcError as error:
        print("status=%s detail=%s" % (error.code().name, error.details()), flush=True)
        return 0
    finally:
        q.put(None)
    print("status=OK")
    return 1


def main():
    address, node_id, token, mode = sys.argv[1:5]
    with grpc.insecure_channel(address, options=[("grpc.enable_http_proxy", 0),
                                                 ("grpc.max_send_message_length", 64 * 1024 * 1024)]) as channel:
        return run_mode(rpc.NodeLinkStub(channel), node_id, token, mode)


def run_mode(stub, node_id, token, mode):
    if mode == "run":
        return run(stub, node_id, token)
    if mode == "halfclose":
        return half_close(stub, node_id, token)
    if mode == "info":
        info = stub.GetHubInfo(pb.HubInfoRequest(), timeout=10)
        print("ok info protocol=%s silo=%s" % (info.protocol, info.silo_id))
        return 0
    if mode == "badtoken":
        return expect_status(lambda q: next(stub.Connect(outgoing(q), timeout=10)), hello(node_id, token))
    if mode == "oversize":
        def call(q):
            responses = stub.Connect(outgoing(q), timeout=20)
            next(responses)  # welcome
            q.put(pb.NodeMessage(terminal=pb.TerminalOutput(data=b"x" * (5 * 1024 * 1024))))
            for _ in responses:
                pass
        return expect_status(call, hello(node_id, token))
    if mode == "deadline":
        def call(q):
            responses = stub.Connect(outgoing(q), timeout=1.0)
            for _ in responses:
                pass
        return expect_status(call, hello(node_id, token))
    print("unknown mode " + mode)
    return 2


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Calls the Echo test service the way any grpcio client would, against a CortexHub.Grpc server.

Run by PythonInteropTests with the stubs it generated from Protos/echo.proto:
    /usr/bin/python3 echo_client.py --target 127.0.0.1:PORT --stubs STUB_DIR
Prints one "PASS name" or "FAIL name: why" line per check, then a summary; exits 1 if any failed.
"""
import argparse
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", required=True)
    parser.add_argument("--stubs", required=True)
    parser.add_argument("--deadline-id", default="python-deadline")
    args = parser.parse_args()

    sys.path.insert(0, args.stubs)
    import grpc
    import echo_pb2 as pb
    import echo_pb2_grpc as pb_grpc

    failures = []
    passed = []

    def check(name, fn):
        try:
            fn()
            passed.append(name)
            print("PASS %s" % name, flush=True)
        except Exception as e:  # report every check, not just the first failure
            failures.append(name)
            print("FAIL %s: %r" % (name, e), flush=True)

    def expect_error(code, fn, detail_contains=None):
        try:
            fn()
        except grpc.RpcError as e:
            if e.code() != code:
                raise AssertionError("expected %s, got %s: %s" % (code, e.code(), e.details()))
            if detail_contains is not None and detail_contains not in (e.details() or ""):
                raise AssertionError("details %r do not contain %r" % (e.details(), detail_contains))
            return e
        raise AssertionError("expected %s, the call succeeded" % code)

    # No proxy: the server is on loopback, whatever http_proxy says.
    with grpc.insecure_channel(args.target, options=[("grpc.enable_http_proxy", 0)]) as channel:
        stub = pb_grpc.EchoStub(channel)

        def unary():
            reply, call = stub.Unary.with_call(
                pb.EchoRequest(text="hello from python", payload=b"\x00\x01\xff"),
                metadata=[("x-echo", "py-meta"), ("x-data-bin", b"\x00\xfe")],
                timeout=10)
            assert reply.text == "hello from python", reply
            assert reply.payload == b"\x00\x01\xff", reply
            trailers = dict(call.trailing_metadata())
            assert trailers.get("x-echo-trailer") == "py-meta", trailers
            assert trailers.get("x-data-bin") == b"\x00\xfe", trailers
            assert call.code() == grpc.StatusCode.OK

        def unary_empty():
            reply = stub.Unary(pb.EchoRequest(), timeout=10)
            assert reply == pb.EchoReply(), reply

        def server_stream():
            replies = list(stub.ServerStream(pb.EchoRequest(text="s", count=5), timeout=10))
            assert [r.index for r in replies] == list(range(5)), replies

        def client_stream():
            reply = stub.ClientStream(iter([pb.EchoRequest(text=t) for t in ("a", "b", "c")]), timeout=10)
            assert reply.text == "a,b,c" and reply.index == 3, reply

        def duplex():
            requests = [pb.EchoRequest(text="m%d" % i) for i in range(10)]
            replies = list(stub.Duplex(iter(requests), timeout=10))
            assert [r.text for r in replies] == ["m%d" % i for i in range(10)], replies

        def deadline():
            expect_error(grpc.StatusCode.DEADLINE_EXCEEDED,
                         lambda: stub.Wait(pb.WaitRequest(milliseconds=60000, id=args.deadline_id), timeout=1.0))

        def oversize():
            big = pb.EchoRequest(payload=b"\x00" * (5 * 1024 * 1024))
            expect_error(grpc.StatusCode.RESOURCE_EXHAUSTED, lambda: stub.Unary(big, timeout=10))

        def unimplemented():
            missing = channel.unary_unary("/cortexhub.test.v1.Echo/Missing")
            expect_error(grpc.StatusCode.UNIMPLEMENTED, lambda: missing(b"", timeout=10))

        def handler_exception():
            expect_error(grpc.StatusCode.UNKNOWN,
                         lambda: stub.Unary(pb.EchoRequest(fail_with="exception"), timeout=10),
                         detail_contains="error id")

        def status_exception():
            expect_error(grpc.StatusCode.NOT_FOUND,
                         lambda: stub.Unary(pb.EchoRequest(fail_with="status:5:no such node (100%)"), timeout=10),
                         detail_contains="no such node (100%)")

        for name, fn in [("unary", unary), ("unary_empty", unary_empty), ("server_stream", server_stream),
                         ("client_stream", client_stream), ("duplex", duplex), ("deadline", deadline),
                         ("oversize", oversize), ("unimplemented", unimplemented),
                         ("handler_exception", handler_exception), ("status_exception", status_exception),
                         ("unary_after_errors", unary)]:
            check(name, fn)

    print("SUMMARY passed=%d failed=%d" % (len(passed), len(failures)), flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

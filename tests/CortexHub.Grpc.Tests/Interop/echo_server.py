#!/usr/bin/env python3
"""A standard grpcio server for the Echo test service, to prove CortexHub.Grpc's client interoperates.

Run by PythonInteropTests:
    /usr/bin/python3 echo_server.py --stubs STUB_DIR
Binds 127.0.0.1 on a free port, prints "PORT <n>", and serves until its standard input closes.
"""
import argparse
import sys
import threading
from concurrent import futures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--stubs", required=True)
    args = parser.parse_args()

    sys.path.insert(0, args.stubs)
    import grpc
    import echo_pb2 as pb
    import echo_pb2_grpc as pb_grpc

    codes = {c.value[0]: c for c in grpc.StatusCode}

    def echo_metadata(context):
        metadata = dict(context.invocation_metadata())
        trailers = []
        if "x-echo" in metadata:
            trailers.append(("x-echo-trailer", metadata["x-echo"]))
        if "x-data-bin" in metadata:
            trailers.append(("x-data-bin", metadata["x-data-bin"]))
        if trailers:
            context.set_trailing_metadata(tuple(trailers))

    def fail_if_asked(request, context):
        if request.fail_with.startswith("status:"):
            _, code, detail = request.fail_with.split(":", 2)
            context.abort(codes[int(code)], detail)

    class Echo(pb_grpc.EchoServicer):
        def Unary(self, request, context):
            fail_if_asked(request, context)
            echo_metadata(context)
            return pb.EchoReply(text=request.text, payload=request.payload)

        def ServerStream(self, request, context):
            echo_metadata(context)
            for i in range(request.count):
                yield pb.EchoReply(text=request.text, index=i)

        def ClientStream(self, request_iterator, context):
            texts = [r.text for r in request_iterator]
            return pb.EchoReply(text=",".join(texts), index=len(texts))

        def Duplex(self, request_iterator, context):
            echo_metadata(context)
            for i, request in enumerate(request_iterator):
                if request.text == "end":
                    return
                yield pb.EchoReply(text=request.text, index=i, payload=request.payload)

        def Wait(self, request, context):
            done = threading.Event()
            context.add_callback(done.set)
            done.wait(request.milliseconds / 1000.0)
            return pb.EchoReply(text="done")

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    pb_grpc.add_EchoServicer_to_server(Echo(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print("PORT %d" % port, flush=True)
    sys.stdin.read()
    server.stop(0)
    return 0


if __name__ == "__main__":
    sys.exit(main())

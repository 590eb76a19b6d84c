"""Time to first byte and startup, each against its reference in one run (see bench/latency)."""
import socket
import statistics
import subprocess
import sys
import time

# usage: latency.py UNDERSTUDY_URL NGINX_PORT UNDERSTUDY_BINARY STARTUP_NGINX_CONF STARTUP_NGINX_PORT
understudy, nginx_port, binary = sys.argv[1], int(sys.argv[2]), sys.argv[3]
host, port = understudy.split("//")[1].split(":")
STREAM = (b'{"model":"gpt-4o","stream":true,"temperature":0,'
          b'"messages":[{"role":"user","content":"Describe a busy city market"}]}')


def request(path, body):
    return (b"POST " + path + b" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


def first_bytes(port, payload, runs):
    """Seconds from sending a request to its first response byte, on one keep-alive connection
    (the rest of each answer is read before the next request)."""
    times = []
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for _ in range(runs):
            start = time.perf_counter()
            s.sendall(payload)
            data = s.recv(65536)
            times.append(time.perf_counter() - start)
            while not (data.endswith(b"0\r\n\r\n") or b"content-length" in data.lower() and complete(data)):
                data += s.recv(65536)
    return times


def complete(data):
    head, _, body = data.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":")[1])
    return False


def startup(command, ready, runs):
    """Seconds from exec to the first accepted connection."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        port = ready(process)
        while True:
            try:
                socket.create_connection(("127.0.0.1", port)).close()
                break
            except OSError:
                time.sleep(0.0005)
        times.append(time.perf_counter() - start)
        process.terminate()
        process.wait()
    return times


def report(name, ours, reference, ref_name):
    a, b = statistics.median(ours), statistics.median(reference)
    p99 = lambda t: sorted(t)[int(len(t) * 0.99) - 1]
    print(f"{name}: understudy median {a * 1e3:.3f} ms (p99 {p99(ours) * 1e3:.3f}), {ref_name} median {b * 1e3:.3f} ms "
          f"(p99 {p99(reference) * 1e3:.3f}); ratio {a / b:.2f}")


runs = 2000
first_bytes(int(port), request(b"/v1/chat/completions", STREAM), 200)  # warm up
report("time to first byte of a 108-frame stream", first_bytes(int(port), request(b"/v1/chat/completions", STREAM), runs),
       first_bytes(nginx_port, request(b"/v1/chat/completions", b"{}"), runs), "nginx from memory")


def our_port(process):
    line = process.stdout.readline().decode()
    return int(line.rsplit(":", 1)[1])


conf, nginx_startup_port = sys.argv[4], int(sys.argv[5])
report("startup to first accepted connection",
       startup([binary, "serve", "--port", "0"], our_port, 30),
       startup(["nginx", "-p", conf.rsplit("/", 1)[0] + "/", "-c", conf, "-g", "daemon off;"], lambda _: nginx_startup_port, 30),
       "nginx")

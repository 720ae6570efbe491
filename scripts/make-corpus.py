#!/usr/bin/env python3
"""Writes the seed corpus: corpus/<fuzzer>/<name>.txt (the scenario's text) and
corpus/<fuzzer>/<name> (its bytes, from `connfuzz encode`). Seeds cover every
family, the length edges of connect-contract.md and every errno class.

  scripts/make-corpus.py build/dev/bin/connfuzz

Existing files of the same name are rewritten; other files (found crashes kept
as regressions) are left alone."""
import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
LISTENER = {"AF_INET": "listener,AF_INET", "AF_INET6": "listener,AF_INET6", "AF_UNIX": "listener,AF_UNIX"}

# Claimed lengths: off the true size by one, tiny, near 2^8, 2^16, 2^32 (negative as an
# int), sizeof(sockaddr_storage) and one past it.
LENGTH_EDGES = ["true-1", "true+1", "0", "1", "2", "128", "129", "255", "256", "65536",
                "2147483648", "4294967295"]

# One plan per errno class, and the calls around connect.
STREAM_PLANS = {
    "still-connecting-eintr": ("posix_blocking", "connect@1=EINTR"),
    "still-connecting-inprogress": ("posix_nonblocking", "connect@1=EINPROGRESS>ECONNREFUSED"),
    "still-connecting-inprogress-ok": ("posix_nonblocking", "connect@1=EINPROGRESS"),
    "still-connecting-timeout": ("posix_nonblocking", "connect@1=EINPROGRESS>ETIMEDOUT"),
    "still-connecting-poll-eintr": ("posix_nonblocking", "poll@1-3=EINTR"),
    "out-of-resources-eagain": ("posix_nonblocking", "connect@1=EAGAIN"),
    "out-of-resources-enobufs": ("posix_blocking", "connect@1=ENOBUFS"),
    "out-of-resources-enosr": ("posix_blocking", "connect@1=ENOSR"),
    "out-of-resources-so-error": ("posix_nonblocking", "connect@1=EINPROGRESS getsockopt.SO_ERROR@1=ENOSR"),
    "out-of-resources-emfile": ("posix_blocking", "socket@1=EMFILE"),
    "out-of-resources-send": ("posix_nonblocking", "send@1=EAGAIN"),
    "refused-econnrefused": ("posix_blocking", "connect@1=ECONNREFUSED"),
    "refused-etimedout": ("posix_blocking", "connect@1=ETIMEDOUT"),
    "refused-eacces": ("posix_blocking", "connect@1=EACCES"),
    "bad-request-einval": ("posix_blocking", "connect@1=EINVAL"),
    "bad-request-fcntl": ("posix_nonblocking", "fcntl@1=EINVAL"),
    "close-eintr": ("posix_nonblocking", "connect@1=ECONNREFUSED close@1=EINTR"),
}


def scenario(mode, domain="AF_INET", type_="SOCK_STREAM", plan="", addresses=None):
    addresses = addresses or [f"{LISTENER[domain]},length=true"]
    lines = [f"mode={mode}", f"socket={domain},{type_},0", f"plan={plan}"]
    lines += [f"address={a}" for a in addresses]
    return "\n".join(lines) + "\n"


def unix_bytes(path: bytes, length="true"):
    return f"bytes,AF_UNIX,length={length},bytes={path.hex()}"


def posix_seeds():
    seeds = {}
    for mode in ("posix_blocking", "posix_nonblocking", "posix_address_list"):
        for domain in LISTENER:
            seeds[f"{mode}-{domain.lower()}"] = scenario(mode, domain)
    for name, (mode, plan) in STREAM_PLANS.items():
        seeds[name] = scenario(mode, plan=plan)
    for length in LENGTH_EDGES:
        seeds[f"length-{length}"] = scenario("posix_nonblocking", addresses=[f"listener,AF_INET,length={length}"])
    seeds["refusing-then-listener"] = scenario(
        "posix_address_list", addresses=["refusing,AF_INET,length=true", "listener,AF_INET,length=true"])
    seeds["offsite-then-listener"] = scenario(
        "posix_address_list", addresses=["bytes,AF_INET,length=true,bytes=0035080808080000000000000000",
                                         "listener,AF_INET,length=true"])
    seeds["unspec-family"] = scenario("posix_blocking", addresses=["listener,AF_UNSPEC,length=true"])
    seeds["family-mismatch"] = scenario("posix_blocking", "AF_INET6", addresses=["listener,AF_INET,length=true"])
    seeds["unix-no-nul"] = scenario("posix_blocking", "AF_UNIX", addresses=[unix_bytes(b"/tmp/x" * 18)])
    seeds["unix-108"] = scenario("posix_blocking", "AF_UNIX", addresses=[unix_bytes(b"a" * 108)])
    seeds["unix-abstract"] = scenario("posix_blocking", "AF_UNIX", addresses=[unix_bytes(b"\0connfuzz-seed")])
    seeds["unix-eagain"] = scenario("posix_nonblocking", "AF_UNIX", plan="connect@1=EAGAIN")
    seeds["inet6-scope"] = scenario("posix_blocking", "AF_INET6", addresses=[
        "bytes,AF_INET6,length=true,bytes=1f90ffffffff00000000000000000000000000000001ffffffff"])
    return seeds


def datagram_seeds():
    seeds = {}
    for domain in LISTENER:
        seeds[f"dgram-{domain.lower()}"] = scenario("posix_datagram", domain, "SOCK_DGRAM")
    seeds["dgram-refusing"] = scenario("posix_datagram", type_="SOCK_DGRAM", addresses=["refusing,AF_INET,length=true"])
    seeds["dgram-eagain"] = scenario("posix_datagram", "AF_UNIX", "SOCK_DGRAM", plan="connect@2=EAGAIN")
    seeds["dgram-dissolve-fails"] = scenario("posix_datagram", type_="SOCK_DGRAM", plan="connect[unspec]@1=EINVAL")
    seeds["dgram-offsite"] = scenario("posix_datagram", type_="SOCK_DGRAM",
                                      addresses=["bytes,AF_INET,length=true,bytes=0035080808080000000000000000"])
    for length in ("true-1", "0", "129", "4294967295"):
        seeds[f"dgram-length-{length}"] = scenario("posix_datagram", type_="SOCK_DGRAM",
                                                   addresses=[f"listener,AF_INET,length={length}"])
    return seeds


def kernel_seeds():
    seeds = {}
    for domain in ("AF_INET", "AF_INET6", "AF_UNIX"):
        for type_ in ("SOCK_STREAM", "SOCK_DGRAM", "SOCK_SEQPACKET"):
            seeds[f"{domain.lower()}-{type_.lower()}"] = scenario("kernel_raw", domain, type_)
        for length in LENGTH_EDGES:
            seeds[f"{domain.lower()}-length-{length}"] = scenario(
                "kernel_raw", domain, addresses=[f"{LISTENER[domain]},length={length}"])
    seeds["unspec-on-stream"] = scenario("kernel_raw", addresses=["listener,AF_UNSPEC,length=true"])
    seeds["inet-on-inet6"] = scenario("kernel_raw", "AF_INET6", addresses=["listener,AF_INET,length=true"])
    seeds["unix-no-nul"] = scenario("kernel_raw", "AF_UNIX", addresses=[unix_bytes(b"b" * 108)])
    seeds["unix-abstract"] = scenario("kernel_raw", "AF_UNIX", addresses=[unix_bytes(b"\0connfuzz-k")])
    seeds["refusing"] = scenario("kernel_raw", addresses=["refusing,AF_INET,length=true"])
    return seeds


def asio_seeds():
    seeds = {}
    modes = ("asio_connect_ec", "asio_connect_throw", "asio_async_connect", "asio_range_connect", "asio_async_range")
    for mode in modes:
        for domain in LISTENER:
            seeds[f"{mode}-{domain.lower()}"] = scenario(mode, domain)
        seeds[f"{mode}-refused"] = scenario(mode, addresses=["refusing,AF_INET,length=true"])
        seeds[f"{mode}-too-long"] = scenario(mode, addresses=["listener,AF_INET,length=129"])
    seeds["async-inprogress-refused"] = scenario("asio_async_connect", plan="connect@1=EINPROGRESS>ECONNREFUSED")
    seeds["async-inprogress-timeout"] = scenario("asio_async_connect", plan="connect@1=EINPROGRESS>ETIMEDOUT")
    seeds["async-epoll-eintr"] = scenario("asio_async_connect", plan="epoll_wait@1=EINTR")
    seeds["sync-eagain"] = scenario("asio_connect_ec", "AF_UNIX", plan="connect@1=EAGAIN")
    seeds["sync-enosr"] = scenario("asio_connect_ec", plan="connect@1=ENOSR")
    seeds["range-refused-then-listener"] = scenario(
        "asio_range_connect", addresses=["refusing,AF_INET,length=true", "listener,AF_INET,length=true"])
    seeds["async-range-refused-then-listener"] = scenario(
        "asio_async_range", addresses=["refusing,AF_INET,length=true", "listener,AF_INET,length=true"])
    return seeds


def endpoint_seeds():
    seeds = {}
    for mode, domain in (("endpoint_generic", "AF_INET"), ("endpoint_local", "AF_UNIX"),
                         ("endpoint_tcp_resize", "AF_INET6")):
        seeds[f"{mode}"] = scenario(mode, domain)
        for length in ("true-1", "true+1", "2", "128", "129", "4294967295"):
            seeds[f"{mode}-length-{length}"] = scenario(mode, domain,
                                                        addresses=[f"{LISTENER[domain]},length={length}"])
    seeds["local-no-nul"] = scenario("endpoint_local", "AF_UNIX", addresses=[unix_bytes(b"c" * 108)])
    seeds["local-abstract"] = scenario("endpoint_local", "AF_UNIX", addresses=[unix_bytes(b"\0connfuzz-e")])
    return seeds


# The errno classes of a library's non-blocking connect and the waits around it.
LIBRARY_PLANS = {
    "inprogress-ok": "connect@1=EINPROGRESS",
    "inprogress-refused": "connect@1=EINPROGRESS>ECONNREFUSED",
    "inprogress-timeout": "connect@1=EINPROGRESS>ETIMEDOUT",
    "poll-eintr": "poll@1-3=EINTR",
    "so-error-enosr": "connect@1=EINPROGRESS getsockopt.SO_ERROR@1=ENOSR",
    "enobufs": "connect@1=ENOBUFS",
    "emfile": "socket@1=EMFILE",
    "econnrefused": "connect@1=ECONNREFUSED",
    "eacces": "connect@1=EACCES",
    "close-eintr": "connect@1=ECONNREFUSED close@1=EINTR",
    "slow-past-deadline": "connect@1=+3s",
}


def curl_glib_seeds(modes, plans):
    """Each mode on each family's listener, a refused port, and each plan."""
    seeds = {}
    for mode in modes:
        for domain in LISTENER:
            seeds[f"{mode}-{domain.lower()}"] = scenario(mode, domain)
        seeds[f"{mode}-refused"] = scenario(mode, addresses=["refusing,AF_INET,length=true"])
        for name, plan in plans.items():
            seeds[f"{mode}-{name}"] = scenario(mode, plan=plan)
    return seeds


def curl_seeds():
    """libcurl with CURLOPT_CONNECT_ONLY, and the addresses a URL or a socket path can say."""
    seeds = curl_glib_seeds(("curl_easy", "curl_multi"), {**LIBRARY_PLANS, "einval": "connect@1=EINVAL"})
    seeds["curl_easy-inet-short"] = scenario("curl_easy", addresses=["listener,AF_INET,length=true-1"])
    seeds["curl_easy-inet6-no-scope"] = scenario("curl_easy", "AF_INET6", addresses=["listener,AF_INET6,length=24"])
    seeds["curl_easy-unix-108"] = scenario("curl_easy", "AF_UNIX", addresses=[unix_bytes(b"a" * 108)])
    seeds["curl_easy-unix-abstract"] = scenario("curl_easy", "AF_UNIX", addresses=[unix_bytes(b"\0connfuzz-curl")])
    seeds["curl_multi-unix-refused"] = scenario("curl_multi", "AF_UNIX", plan="connect@1=ECONNREFUSED")
    return seeds


def glib_seeds():
    """GIO's GSocketClient, sync and async, and the addresses GIO builds from raw bytes
    (g_socket_address_new_from_native)."""
    seeds = curl_glib_seeds(("glib_client_sync", "glib_client_async"), LIBRARY_PLANS)
    for length in ("true-1", "true+1", "2", "128", "129"):
        seeds[f"glib_client_sync-unix-length-{length}"] = scenario(
            "glib_client_sync", "AF_UNIX", addresses=[f"listener,AF_UNIX,length={length}"])
    seeds["glib_client_sync-unix-108"] = scenario("glib_client_sync", "AF_UNIX", addresses=[unix_bytes(b"g" * 108)])
    seeds["glib_client_sync-unix-abstract"] = scenario("glib_client_sync", "AF_UNIX",
                                                       addresses=[unix_bytes(b"\0connfuzz-glib")])
    seeds["glib_client_sync-datagram"] = scenario("glib_client_sync", type_="SOCK_DGRAM")
    seeds["glib_client_sync-seqpacket"] = scenario("glib_client_sync", "AF_UNIX", "SOCK_SEQPACKET")
    seeds["glib_client_async-family-18"] = scenario("glib_client_async", addresses=["listener,18,length=true"])
    return seeds


# One plan per errno class for a connect on an event loop: a non-blocking socket, the
# loop's epoll, SO_ERROR once it is writable, a deadline of its own.
LOOP_PLANS = {
    "inprogress-ok": "connect@1=EINPROGRESS",
    "inprogress-refused": "connect@1=EINPROGRESS>ECONNREFUSED",
    "inprogress-timeout": "connect@1=EINPROGRESS>ETIMEDOUT",
    "slow-past-deadline": "connect@1=+3s",
    "epoll-eintr": "epoll_wait@1-3=EINTR",
    "eagain": "connect@1=EAGAIN",
    "enobufs": "connect@1=ENOBUFS",
    "so-error-enosr": "connect@1=EINPROGRESS getsockopt.SO_ERROR@1=ENOSR",
    "emfile": "socket@1=EMFILE",
    "refused": "connect@1=ECONNREFUSED",
    "etimedout": "connect@1=ETIMEDOUT",
    "eacces": "connect@1=EACCES",
    "einval": "connect@1=EINVAL",
    "close-eintr": "connect@1=ECONNREFUSED close@1=EINTR",
}


def loop_seeds(inet_modes, unix_modes):
    """Seeds for a library's loop connects: each mode on its listeners, every class of
    LOOP_PLANS, a refusing port, the length edges, and the AF_UNIX path edges."""
    seeds = {}
    for mode in inet_modes:
        for domain in ("AF_INET", "AF_INET6"):
            seeds[f"{mode}-{domain.lower()}"] = scenario(mode, domain)
        seeds[f"{mode}-refusing"] = scenario(mode, addresses=["refusing,AF_INET,length=true"])
        for length in ("true-1", "true+1", "0", "2", "129"):
            seeds[f"{mode}-length-{length}"] = scenario(mode, addresses=[f"listener,AF_INET,length={length}"])
        seeds[f"{mode}-unix-address"] = scenario(mode, "AF_UNIX")
        seeds[f"{mode}-unspec-family"] = scenario(mode, addresses=["listener,AF_UNSPEC,length=true"])
    for mode in unix_modes:
        seeds[f"{mode}-af-unix"] = scenario(mode, "AF_UNIX")
        seeds[f"{mode}-no-nul"] = scenario(mode, "AF_UNIX", addresses=[unix_bytes(b"/tmp/x" * 18)])
        seeds[f"{mode}-abstract"] = scenario(mode, "AF_UNIX", addresses=[unix_bytes(b"\0connfuzz-seed")])
        seeds[f"{mode}-inet-address"] = scenario(mode, "AF_INET")
    for name, plan in LOOP_PLANS.items():
        for mode in inet_modes:
            seeds[f"{mode}-{name}"] = scenario(mode, plan=plan)
        for mode in unix_modes:
            unix = "unix-" if mode in inet_modes else ""
            seeds[f"{mode}-{unix}{name}"] = scenario(mode, "AF_UNIX", plan=plan)
    return seeds


def libuv_seeds():
    return loop_seeds(["libuv_tcp_connect"], ["libuv_pipe_connect"])


def libevent_seeds():
    # bufferevent_socket_connect and evutil_socket_connect_ take any sockaddr: AF_UNIX too.
    return loop_seeds(["libevent_bufferevent", "libevent_bufferevent_hostname", "libevent_socket_connect"],
                      ["libevent_bufferevent", "libevent_socket_connect"])


# A library's stream connect, one plan per errno class and the calls around connect; the
# plans whose handling is a documented finding of that library are left out (docs/findings/).
LIBRARY_STREAM_PLANS = {
    "inprogress-refused": "connect@1=EINPROGRESS>ECONNREFUSED",
    "inprogress-timeout": "connect@1=EINPROGRESS>ETIMEDOUT",
    "inprogress-ok": "connect@1=EINPROGRESS",
    "refused": "connect@1=ECONNREFUSED mode=any",
    "eagain": "connect@1=EAGAIN",
    "enobufs": "connect@1=ENOBUFS mode=any",
    "so-error-enosr": "getsockopt.SO_ERROR@1=ENOSR",
    "socket-emfile": "socket@1=EMFILE",
    "fcntl-einval": "fcntl@1=EINVAL",
}


def library_seeds(modes, plans=LIBRARY_STREAM_PLANS):
    """Each (mode, domain) on its listener, a refusing peer and the claimed-length edges,
    then each plan on the first mode and domain of its list."""
    seeds = {}
    for mode, domain in modes:
        seeds[f"{mode}-{domain.lower()}"] = scenario(mode, domain)
        seeds[f"{mode}-{domain.lower()}-refusing"] = scenario(mode, domain, addresses=[f"refusing,{domain},length=true"])
        for length in ("true-1", "true+1", "2", "129"):
            seeds[f"{mode}-{domain.lower()}-length-{length}"] = scenario(
                mode, domain, addresses=[f"{LISTENER[domain]},length={length}"])
        for name, plan in plans.items():
            seeds[f"{mode}-{domain.lower()}-{name}"] = scenario(mode, domain, plan=plan)
    return seeds


def hiredis_seeds():
    seeds = library_seeds([("hiredis_connect", "AF_INET"), ("hiredis_connect", "AF_INET6"),
                           ("hiredis_connect_unix", "AF_UNIX"), ("hiredis_connect_nonblock", "AF_INET"),
                           ("hiredis_connect_nonblock", "AF_INET6")])
    seeds["unix-107"] = scenario("hiredis_connect_unix", "AF_UNIX", addresses=[unix_bytes(b"/tmp/" + b"u" * 102)])
    seeds["unix-abstract"] = scenario("hiredis_connect_unix", "AF_UNIX", addresses=[unix_bytes(b"\0connfuzz-h")])
    seeds["inet6-scope"] = scenario("hiredis_connect", "AF_INET6", addresses=[
        "bytes,AF_INET6,length=true,bytes=1f90000000000000000000000000000000000000000105000000"])
    return seeds


def poco_seeds():
    # POCO's SocketAddress(const sockaddr*, length) copies a whole sockaddr_un whatever the
    # length (docs/FINDINGS.md, poco-socketaddress-unix-overread): its AF_UNIX seeds claim
    # sizeof(sockaddr_un), 110, so that the sanitized replays read only what they hold.
    # connect()'s EAGAIN is poco-connect-eagain-as-progress: no seed of its own.
    plans = {name: plan for name, plan in LIBRARY_STREAM_PLANS.items() if name != "eagain"}
    plans["epoll-wait-eintr"] = "epoll_wait@1=EINTR"
    seeds = library_seeds([("poco_connect", "AF_INET"), ("poco_connect", "AF_INET6"),
                           ("poco_connect_nb", "AF_INET"), ("poco_connect_nb", "AF_INET6")], plans)
    for mode in ("poco_connect", "poco_connect_nb"):
        seeds[f"{mode}-af_unix"] = scenario(mode, "AF_UNIX", addresses=["listener,AF_UNIX,length=110"])
        seeds[f"{mode}-af_unix-refusing"] = scenario(mode, "AF_UNIX", addresses=["refusing,AF_UNIX,length=110"])
    seeds["family-mismatch"] = scenario("poco_connect", "AF_INET6", addresses=["listener,AF_INET,length=true"])
    return seeds


def example_seeds():
    """Seeds that do NOT show the bug: the fuzzer has to find it."""
    benign = {
        "example_eintr_reconnect": "connect@1=EINTR",
        "example_inprogress_success": "",
        "example_no_so_error": "connect@1=EINPROGRESS",
        "example_eagain_spin": "connect@1=EAGAIN",
        "example_leak_on_refused": "connect@1=ETIMEDOUT",
        "example_unknown_errno": "connect@1=ECONNREFUSED",
        "example_unbounded_path": "",
        "example_ealready_as_failure": "connect@1=EINTR",
    }
    corpora = {}
    for fuzzer, plan in benign.items():
        domain = "AF_UNIX" if fuzzer in ("example_unbounded_path", "example_eagain_spin") else "AF_INET"
        corpora[fuzzer] = {"listener": scenario(fuzzer, domain), "near-miss": scenario(fuzzer, domain, plan=plan)}
    return corpora


# Every mode that takes a plan, with the socket its listener needs: the errno sweep runs
# each of connect()'s documented errnos through each of them (the coverage report's rows).
SWEEP = {
    "posix": [("posix_blocking", "AF_INET", "SOCK_STREAM"), ("posix_nonblocking", "AF_INET", "SOCK_STREAM"),
              ("posix_address_list", "AF_INET", "SOCK_STREAM")],
    "datagram": [("posix_datagram", "AF_INET", "SOCK_DGRAM")],
    "asio": [(m, "AF_INET", "SOCK_STREAM") for m in ("asio_connect_ec", "asio_connect_throw", "asio_async_connect",
                                                      "asio_range_connect", "asio_async_range")],
    "curl": [("curl_easy", "AF_INET", "SOCK_STREAM"), ("curl_multi", "AF_INET", "SOCK_STREAM")],
    "glib": [("glib_client_sync", "AF_INET", "SOCK_STREAM"), ("glib_client_async", "AF_INET", "SOCK_STREAM")],
    "libuv": [("libuv_tcp_connect", "AF_INET", "SOCK_STREAM"), ("libuv_pipe_connect", "AF_UNIX", "SOCK_STREAM")],
    "libevent": [("libevent_bufferevent", "AF_INET", "SOCK_STREAM"),
                 ("libevent_bufferevent_hostname", "AF_INET", "SOCK_STREAM"),
                 ("libevent_socket_connect", "AF_INET", "SOCK_STREAM")],
    "endpoint": [("endpoint_generic", "AF_INET", "SOCK_STREAM"), ("endpoint_local", "AF_UNIX", "SOCK_STREAM"),
                 ("endpoint_tcp_resize", "AF_INET6", "SOCK_STREAM")],
    "hiredis": [("hiredis_connect", "AF_INET", "SOCK_STREAM"), ("hiredis_connect_unix", "AF_UNIX", "SOCK_STREAM"),
                ("hiredis_connect_nonblock", "AF_INET", "SOCK_STREAM")],
    "poco": [("poco_connect", "AF_INET", "SOCK_STREAM"), ("poco_connect_nb", "AF_INET", "SOCK_STREAM")],
}


def errno_sweep(connfuzz, fuzzer):
    """connect@1=E for every connect() errno of the table. Failures go in "any" mode so
    that they fire whatever the socket's state; the still-connecting errnos stay
    realistic, where the oracles hold a caller to finishing the attempt (in "any" mode an
    injected EINTR may end a connect), and fire only where the kernel could send them."""
    rows = json.loads(subprocess.check_output([connfuzz, "errnos", "connect", "--json"]))
    seeds = {}
    for mode, domain, type_ in SWEEP.get(fuzzer, []):
        for row in rows:
            name = f"sweep-{mode}-{row['errno'].lower()}"
            realistic = row["class"] == "still-connecting"
            plan = f"connect@1={row['errno']}" + ("" if realistic else " mode=any")
            seeds[name] = scenario(mode, domain, type_, plan=plan)
    return seeds


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    connfuzz = sys.argv[1]
    corpora = {"posix": posix_seeds(), "datagram": datagram_seeds(), "kernel": kernel_seeds(),
               "asio": asio_seeds(), "endpoint": endpoint_seeds(), "libuv": libuv_seeds(),
               "libevent": libevent_seeds(), "curl": curl_seeds(), "glib": glib_seeds(), "hiredis": hiredis_seeds(),
               "poco": poco_seeds(), **example_seeds()}
    for fuzzer, seeds in corpora.items():
        seeds.update(errno_sweep(connfuzz, fuzzer))
        folder = ROOT / "corpus" / fuzzer
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in seeds.items():
            (folder / f"{name}.txt").write_text(text)
            subprocess.run([connfuzz, "encode", "--file", str(folder / f"{name}.txt"), "-o", str(folder / name)],
                           check=True)
        print(f"corpus/{fuzzer}: {len(seeds)} seeds")


if __name__ == "__main__":
    main()

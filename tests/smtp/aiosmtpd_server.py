#!/usr/bin/python3
"""A real SMTP server for the tests (tests/smtp_server.hpp starts it): aiosmtpd on 127.0.0.1 with
an ephemeral port, printed as `PORT n` once it listens. Each accepted message is stored in
--store as NNNNNN.eml (the DATA as received, dot-unstuffed) and then NNNNNN.json (the envelope),
the JSON last, so a reader never sees half a message. Exits when its stdin closes (the test
process ended, however it ended).

Switches for failures:
  --refuse ADDR      answer 550 to RCPT TO:<ADDR> (repeatable); the reply echoes the address,
                     as real servers do, so the client must not repeat replies verbatim
  --fail-data N      answer 451 to the first N messages' data (echoing the recipient)
  --drop-after K     after storing the Kth message, close the connection without a reply, and
                     close every later connection before the greeting (the server is "gone")
  --drop-mid-data K  at the Kth DATA command: 354, read a little, then reset the connection
  --delay S          wait S seconds after storing a message before replying
  --auth USER:PASS   require AUTH (PLAIN or LOGIN, without TLS) with these credentials
"""
import argparse
import asyncio
import json
import os
import ssl
import sys
import threading

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

parser = argparse.ArgumentParser()
parser.add_argument("--store", required=True)
parser.add_argument("--refuse", action="append", default=[])
parser.add_argument("--fail-data", type=int, default=0)
parser.add_argument("--drop-after", type=int, default=0)
parser.add_argument("--drop-mid-data", type=int, default=0)
parser.add_argument("--delay", type=float, default=0.0)
parser.add_argument("--auth", default="")
parser.add_argument("--tls-cert", default="")  # with --tls-key: STARTTLS offered and required
parser.add_argument("--tls-key", default="")
args = parser.parse_args()

state = {"data_commands": 0, "data_received": 0, "stored": 0, "gone": False}


def store(envelope):
    state["stored"] += 1
    base = os.path.join(args.store, "%06d" % state["stored"])
    with open(base + ".eml.tmp", "wb") as f:
        f.write(envelope.original_content)
    os.rename(base + ".eml.tmp", base + ".eml")
    with open(base + ".json.tmp", "w") as f:
        json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos}, f)
    os.rename(base + ".json.tmp", base + ".json")


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in (a.lower() for a in args.refuse):
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        state["data_received"] += 1
        if state["data_received"] <= args.fail_data:
            return "451 4.3.0 <%s>: Temporary failure, try again later" % envelope.rcpt_tos[0]
        store(envelope)
        if args.delay > 0:
            await asyncio.sleep(args.delay)
        if args.drop_after and state["stored"] == args.drop_after:
            state["gone"] = True
            server.transport.close()
            await asyncio.sleep(3600)  # cancelled when the connection is lost
        return "250 2.0.0 Ok: queued"


class Server(SMTP):
    async def _handle_client(self):
        if state["gone"]:
            self.transport.close()
            return
        await super()._handle_client()

    async def smtp_DATA(self, arg):
        state["data_commands"] += 1
        if args.drop_mid_data and state["data_commands"] == args.drop_mid_data and self.envelope.rcpt_tos:
            await self.push("354 End data with <CR><LF>.<CR><LF>")
            await self._reader.read(1000)
            self.transport.abort()  # a reset, with the rest of the data unread
            await asyncio.sleep(3600)
            return
        await super().smtp_DATA(arg)


def authenticator(server, session, envelope, mechanism, auth_data):
    user, _, password = args.auth.partition(":")
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == user.encode() and \
        auth_data.password == password.encode()
    return AuthResult(success=ok, handled=False)


def factory():
    options = dict(data_size_limit=None, enable_SMTPUTF8=True, decode_data=False, hostname="localhost")
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        options.update(tls_context=context, require_starttls=True)
    if args.auth:
        options.update(authenticator=authenticator, auth_required=True, auth_require_tls=bool(args.tls_cert))
    return Server(Handler(), **options)


def exit_when_stdin_closes():
    sys.stdin.buffer.read()
    os._exit(0)


async def main():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(factory, host="127.0.0.1", port=0)
    port = server.sockets[0].getsockname()[1]
    print("PORT %d" % port, flush=True)
    async with server:
        await server.serve_forever()


threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
asyncio.run(main())

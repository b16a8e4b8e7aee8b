# Independent DKIM verification for tests: Debian's python3-dkim, keys looked up in the test's
# DNS server (dnspython). Reads a message on stdin; prints one JSON line per signature:
# {"d": ..., "s": ..., "a": ..., "ok": true|false}.
import json
import sys

import dkim
import dns.resolver

server, port = sys.argv[1], int(sys.argv[2])
resolver = dns.resolver.Resolver(configure=False)
resolver.nameservers = [server]
resolver.port = port


def dnsfunc(name, timeout=5):
    name = name.decode() if isinstance(name, bytes) else name
    try:
        answer = resolver.resolve(name.rstrip('.'), 'TXT', lifetime=timeout)
    except Exception:
        return None
    return b''.join(b''.join(r.strings) for r in answer)


message = sys.stdin.buffer.read()
signatures = [v for (k, v) in dkim.rfc822_parse(message)[0] if k.lower() == b'dkim-signature']
for i, sig in enumerate(signatures):
    tags = dkim.util.parse_tag_value(sig)
    try:
        ok = dkim.DKIM(message).verify(idx=i, dnsfunc=dnsfunc)
    except dkim.DKIMException:
        ok = False
    print(json.dumps({'d': tags[b'd'].decode(), 's': tags[b's'].decode(), 'a': tags[b'a'].decode(), 'ok': bool(ok)}))

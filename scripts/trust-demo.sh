#!/bin/bash
# Shows the port-25 verdicts on real mail (SPF, DKIM, DMARC: RFC 7208, 6376, 7489; fields per
# RFC 8601): the real `mailserver serve` with a local knot serving the senders' zones (SPF, DKIM
# key, DMARC p=reject / p=quarantine, reverse names, a DNS blocklist). swaks sends, from distinct
# loopback source addresses, a message that passes everything, a spoofed p=quarantine one (Junk)
# and a spoofed p=reject one (550 5.7.1); the stored header sections and the verdict log lines are
# printed. Usage: scripts/trust-demo.sh [--keep]   (needs knotd, swaks, /usr/bin/python3 + dkim)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d /tmp/trust-demo.XXXXXX)
NET=127.0.$((100 + RANDOM % 100))
DNS=$NET.1; LISTEN=$NET.2; GOOD=$NET.10; BAD=$NET.11; SPOOF=$NET.12
DNSPORT=$(python3 -c "import socket; s = socket.socket(); s.bind(('$DNS', 0)); print(s.getsockname()[1])")
mkdir -p $W/knot/{run,db,zones} $W/data
openssl genrsa -out $W/sel.pem 2048 2>/dev/null
P=$(openssl rsa -in $W/sel.pem -pubout -outform der 2>/dev/null | base64 -w0)
REC="v=DKIM1; k=rsa; p=$P"
TXT="( \"${REC:0:200}\" \"${REC:200:200}\" \"${REC:400}\" )"
hdr() { printf '$ORIGIN %s.\n$TTL 60\n@ SOA ns.%s. hostmaster.%s. 1 3600 900 604800 60\n@ NS ns.%s.\nns A %s\n' $1 $1 $1 $1 $DNS; }
for z in sender.test quarantine.test; do
  { hdr $z; echo "@ TXT \"v=spf1 ip4:$GOOD -all\""; echo "sel._domainkey TXT $TXT"; echo "mail A $GOOD"; echo 'mail TXT "v=spf1 a -all"'; } > $W/knot/zones/$z.zone
done
echo '_dmarc TXT "v=DMARC1; p=reject"' >> $W/knot/zones/sender.test.zone
echo '_dmarc TXT "v=DMARC1; p=quarantine"' >> $W/knot/zones/quarantine.test.zone
REV=$(echo $NET | awk -F. '{print $3"."$2"."$1}').in-addr.arpa
{ hdr $REV; echo "10 PTR mail.sender.test."; } > $W/knot/zones/$REV.zone
BADREV=$(echo $BAD | awk -F. '{print $4"."$3"."$2"."$1}')
{ hdr dnsbl.test; echo "$BADREV A 127.0.0.2"; echo "$BADREV TXT \"listed for the demo\""; } > $W/knot/zones/dnsbl.test.zone
cat > $W/knot/knot.conf <<K
server:
    listen: $DNS@$DNSPORT
    rundir: $W/knot/run
database:
    storage: $W/knot/db
template:
  - id: default
    storage: $W/knot/zones
    file: "%s.zone"
zone:
  - domain: sender.test
  - domain: quarantine.test
  - domain: dnsbl.test
  - domain: $REV
K
knotd -c $W/knot/knot.conf > $W/knot.log 2>&1 & KNOT=$!
cat > $W/data/config.json <<C
{ "hostname": "mail.example.test", "listen": "$LISTEN", "dns": "$DNS:$DNSPORT",
  "trust": { "trustedNetworks": [] },
  "spam": { "dnsbls": [{ "zone": "dnsbl.test", "score": 4 }], "uriBlocklists": [] } }
C
cd $REPO
node bin/mailserver.js domain add example.test --data $W/data >/dev/null
echo -n pw | node bin/mailserver.js account add alice@example.test --password-stdin --data $W/data >/dev/null
off=""; for p in submission smtps imap imaps pop3 pop3s http https admin; do off="$off --$p-port off"; done
node bin/mailserver.js serve --data $W/data --smtp-port 0 $off --log-level info > $W/serve.log 2>&1 & SERVE=$!
trap 'kill $SERVE $KNOT 2>/dev/null; wait $SERVE $KNOT 2>/dev/null || true; [ "${1:-}" = --keep ] || rm -rf "$W"' EXIT
for i in $(seq 1 200); do grep -q '"ready":true' $W/serve.log 2>/dev/null && break; sleep 0.3; done
grep -q '"ready":true' $W/serve.log || { cat $W/serve.log; exit 1; }
SMTPPORT=$(grep -o '"ready":true,"ports":{"smtp":[0-9]*' $W/serve.log | grep -o '[0-9]*$')
for i in $(seq 1 50); do dig +short @$DNS -p $DNSPORT sender.test TXT | grep -q spf1 && break; sleep 0.2; done
msg() { printf 'From: %s\r\nTo: alice@example.test\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s@%s>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nHello Alice,\r\nsee you at the meeting on Thursday.\r\n' "$1" "$2" "$(date -R)" "$RANDOM$RANDOM" "${1#*@}"; }
sign() { /usr/bin/python3 -c 'import sys, dkim
d, keyf = sys.argv[1], sys.argv[2]; m = sys.stdin.buffer.read()
sys.stdout.buffer.write(dkim.sign(m, b"sel", d.encode(), open(keyf,"rb").read(), include_headers=[b"from", b"to", b"subject", b"date", b"message-id"]) + m)' $1 $W/sel.pem; }
msg bob@sender.test "all pass" | sign sender.test > $W/pass.eml
msg carol@quarantine.test "quarantined" | sign quarantine.test | sed 's/Thursday/Friday/' > $W/fail.eml
msg bob@sender.test "spoofed" | sign sender.test | sed 's/Thursday/Friday/' > $W/reject.eml
sw() { swaks --server $LISTEN:$SMTPPORT --li $1 --helo $2 --from $3 --to alice@example.test --data @$4 2>&1 | grep -E '^<[-~*]+ +[245][0-9][0-9] ' | grep -v ' 221 ' | tail -1; }
echo "== pass (from $GOOD):    $(sw $GOOD mail.sender.test bob@sender.test $W/pass.eml)"
echo "== fail (from $SPOOF):     $(sw $SPOOF mail.quarantine.test carol@quarantine.test $W/fail.eml)"
echo "== reject (from $BAD):   $(sw $BAD mail.sender.test bob@sender.test $W/reject.eml)"
sleep 0.5
show() { for f in "$1"/new/* "$1"/cur/*; do [ -f "$f" ] || continue; echo "--- $f"; awk '/^\r?$/{exit} {print}' "$f" | tr -d '\r'; done; }
echo; echo "===== INBOX"; show $W/data/mail/example.test/alice
echo; echo "===== Junk"; show $W/data/mail/example.test/alice/.Junk
echo; echo "===== log: message verdict"; grep -E '"message (verdict|refused)"' $W/serve.log || true
if [ "${1:-}" = --keep ]; then echo "kept: $W"; fi

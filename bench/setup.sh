#!/bin/sh
# `npm run bench:setup`: install the classic stack the benchmark compares against (Postfix and
# Dovecot with LMTP and IMAP) from Debian's apt repositories. Idempotent: installs only what is
# missing, answers Postfix's debconf question with "No configuration" (the bench runs private
# instances with their own config dirs) and stops the system-wide services the packages start.
set -eu
PACKAGES="postfix dovecot-imapd dovecot-lmtpd dovecot-pop3d procps"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "bench:setup: installing$missing"
  echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086
  $SUDO apt-get install -y -qq --no-install-recommends $missing
  for svc in postfix dovecot; do $SUDO service "$svc" stop >/dev/null 2>&1 || true; done
else
  echo "bench:setup: postfix and dovecot are installed"
fi
postconf -d mail_version
dovecot --version

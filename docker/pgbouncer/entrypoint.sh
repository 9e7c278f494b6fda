#!/bin/sh
# The password file is written at start from the environment, never baked into the image.
set -eu
: "${TESSERA_APP_PASSWORD:?set TESSERA_APP_PASSWORD}"
umask 077
printf '"tessera_app" "%s"\n' "$TESSERA_APP_PASSWORD" > /tmp/userlist.txt
exec pgbouncer /etc/pgbouncer/pgbouncer.ini

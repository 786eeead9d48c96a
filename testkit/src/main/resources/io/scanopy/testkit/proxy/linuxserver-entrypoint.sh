#!/bin/sh
# Replica entrypoint: renders the server block into /run (a tmpfs; the root file system is
# read-only) from the environment, as upstream does with envsubst, then runs nginx in the
# foreground. POST=1 picks the variant that admits every method; DISABLE_IPV6=1 binds IPv4 only.
set -e
if [ "$POST" = 1 ]; then
  limit=''
else
  limit='limit_except GET HEAD {deny all;}'
fi
script="s|@LIMIT@|$limit|g"
if [ "$DISABLE_IPV6" = 1 ]; then
  script="$script; /listen \\[::\\]/d"
fi
for name in SOCKET_PATH ALLOW_START ALLOW_STOP ALLOW_RESTARTS AUTH BUILD COMMIT CONFIGS CONTAINERS DISTRIBUTION EVENTS EXEC \
            IMAGES INFO NETWORKS NODES PING PLUGINS SECRETS SERVICES SESSION SWARM SYSTEM TASKS VERSION VOLUMES; do
  eval "value=\${$name}"
  script="$script; s|\${$name}|$value|g"
done
grep -v '^#' /templates/default.conf.template | sed "$script" > /run/default.conf
# nginx creates only the last level of a temp path.
mkdir -p /run/nginx-tmp
exec /usr/sbin/nginx -e stderr -c /etc/nginx/nginx.conf

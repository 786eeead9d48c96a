#!/bin/sh
# Starts one Debian-packaged service the way its Debian unit (or init script) does, with the
# configuration its package ships, after doing what the package's maintainer scripts would have
# done (system users are in the image; data folders, host keys and certificates are made here).
# Usage: start.sh SERVICE | start.sh listening PORT (exit 0 once something listens on PORT).
set -eu
case "$1" in
  listening)
    hex=$(printf '%04X' "$2")
    grep -q ":$hex [0-9A-F:]* 0A " /proc/net/tcp /proc/net/tcp6 2>/dev/null
    exit $? ;;
  redis)
    mkdir -p /var/lib/redis /var/log/redis && chown redis:redis /var/lib/redis /var/log/redis
    exec su redis -s /bin/sh -c 'exec redis-server /etc/redis/redis.conf --daemonize no --logfile ""' ;;
  memcached)
    # /etc/memcached.conf's settings, as Debian's wrapper passes them.
    exec memcached -m 64 -p 11211 -u memcache -l 127.0.0.1 ;;
  openssh)
    mkdir -p /run/sshd /etc/ssh && cp /usr/share/openssh/sshd_config /etc/ssh/sshd_config && ssh-keygen -A
    exec /usr/sbin/sshd -D -e ;;
  nginx)
    mkdir -p /var/www/html /etc/nginx/sites-enabled /var/log/nginx /var/lib/nginx
    cp /usr/share/nginx/html/index.html /var/www/html/index.nginx-debian.html
    ln -sf /etc/nginx/sites-available/default /etc/nginx/sites-enabled/default
    exec nginx -g 'daemon off;' ;;
  apache2)
    # What the package's postinst enables (a2enmod/a2enconf/a2ensite are perl; these are their links).
    cd /etc/apache2
    for m in access_compat alias auth_basic authn_core authn_file authz_core authz_host authz_user autoindex deflate dir env filter mime mpm_event negotiation reqtimeout setenvif status; do
      for f in mods-available/$m.load mods-available/$m.conf; do [ -e "$f" ] && ln -sf "../$f" mods-enabled/; done
    done
    for c in charset localized-error-pages other-vhosts-access-log security serve-cgi-bin; do ln -sf "../conf-available/$c.conf" conf-enabled/; done
    ln -sf ../sites-available/000-default.conf sites-enabled/
    mkdir -p /var/www/html /var/log/apache2 /var/run/apache2 /var/lock/apache2
    cp /usr/share/apache2/default-site/index.html /var/www/html/index.html
    set +u
    # shellcheck source=/dev/null # the package's file, in the container
    . /etc/apache2/envvars
    exec apache2 -D FOREGROUND ;;
  lighttpd)
    mkdir -p /var/www/html /var/log/lighttpd /var/cache/lighttpd/uploads /run/lighttpd
    chown www-data:www-data /var/log/lighttpd /var/cache/lighttpd /var/cache/lighttpd/uploads /run/lighttpd
    cp /usr/share/lighttpd/index.html /var/www/html/index.lighttpd.html 2>/dev/null || true
    exec lighttpd -D -f /etc/lighttpd/lighttpd.conf ;;
  caddy)
    mkdir -p /var/lib/caddy
    exec caddy run --environ --config /etc/caddy/Caddyfile ;;
  postgresql)
    mkdir -p /var/lib/postgresql/15/main /var/run/postgresql
    chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
    su postgres -s /bin/sh -c '/usr/lib/postgresql/15/bin/initdb -D /var/lib/postgresql/15/main' >/dev/null
    exec su postgres -s /bin/sh -c 'exec /usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main' ;;
  mariadb)
    mkdir -p /var/lib/mysql /run/mysqld && chown mysql:mysql /var/lib/mysql /run/mysqld
    mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
    exec mariadbd --user=mysql ;;
  opensmtpd)
    mkdir -p /var/lib/opensmtpd/empty && touch /etc/aliases && echo localhost > /etc/mailname
    exec smtpd -d -f /etc/smtpd.conf ;;
  dovecot)
    # The postinsts copy the configuration, turn on each installed protocol, and make a
    # self-signed certificate for the shipped ssl = yes.
    mkdir -p /etc/dovecot/private /run/dovecot
    cp /usr/share/dovecot/dovecot.conf /etc/dovecot/ && cp -r /usr/share/dovecot/conf.d/. /etc/dovecot/conf.d/
    for p in imap pop3; do echo "protocols = \$protocols $p" > "/usr/share/dovecot/protocols.d/${p}d.protocol"; done
    openssl req -new -x509 -nodes -days 1 -subj /CN=localhost -newkey rsa:2048 \
      -keyout /etc/dovecot/private/dovecot.key -out /etc/dovecot/private/dovecot.pem 2>/dev/null
    exec dovecot -F ;;
  nats)
    exec nats-server ;;
  rsync)
    # Debian ships no rsyncd.conf (the unit waits for one): an empty one is the least configuration.
    touch /etc/rsyncd.conf
    exec rsync --daemon --no-detach ;;
  prometheus)
    mkdir -p /var/lib/prometheus/metrics2 && chown -R prometheus:prometheus /var/lib/prometheus
    exec su prometheus -s /bin/sh -c 'exec prometheus --config.file=/etc/prometheus/prometheus.yml --storage.tsdb.path=/var/lib/prometheus/metrics2/' ;;
  node-exporter)
    exec su prometheus -s /bin/sh -c 'exec prometheus-node-exporter' ;;
  influxdb)
    mkdir -p /var/lib/influxdb && chown influxdb:influxdb /var/lib/influxdb
    exec su influxdb -s /bin/sh -c 'exec influxd -config /etc/influxdb/influxdb.conf' ;;
  transmission)
    # The postinst gives the daemon its settings file; the unit runs it with HOME set.
    chown -R debian-transmission:debian-transmission /etc/transmission-daemon /var/lib/transmission-daemon
    exec su debian-transmission -s /bin/sh -c 'HOME=/var/lib/transmission-daemon exec transmission-daemon -f --log-error' ;;
  syncthing)
    mkdir -p /var/lib/syncthing && chown syncthing:syncthing /var/lib/syncthing
    exec su syncthing -s /bin/sh -c 'HOME=/var/lib/syncthing exec syncthing serve --no-browser --no-restart' ;;
  etcd)
    mkdir -p /var/lib/etcd/default && chown -R etcd:etcd /var/lib/etcd
    exec su etcd -s /bin/sh -c 'exec etcd --data-dir /var/lib/etcd/default' ;;
  mosquitto)
    mkdir -p /var/lib/mosquitto /var/log/mosquitto /run/mosquitto && chown mosquitto /var/lib/mosquitto /var/log/mosquitto /run/mosquitto
    exec mosquitto -c /etc/mosquitto/mosquitto.conf ;;
  tinyproxy)
    mkdir -p /var/log/tinyproxy /run/tinyproxy && chown tinyproxy /var/log/tinyproxy /run/tinyproxy
    exec tinyproxy -d -c /etc/tinyproxy/tinyproxy.conf ;;
  squid)
    mkdir -p /var/spool/squid /var/log/squid /run/squid && chown proxy:proxy /var/spool/squid /var/log/squid /run/squid
    exec squid -N -f /etc/squid/squid.conf ;;
  icecast2)
    mkdir -p /var/log/icecast2 && chown icecast2 /var/log/icecast2
    exec su icecast2 -s /bin/sh -c 'exec icecast2 -c /etc/icecast2/icecast.xml' ;;
  beanstalkd)
    exec beanstalkd -l 127.0.0.1 -p 11300 ;;
  *)
    echo "start.sh: no such service: $1" >&2
    exit 2 ;;
esac

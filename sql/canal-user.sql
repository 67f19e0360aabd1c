-- The account Canal uses to pose as a MySQL replica: it reads table metadata (SELECT) and asks for the
-- binlog stream (REPLICATION SLAVE, REPLICATION CLIENT), nothing more. The compose stack's MySQL 8 runs
-- it once from /docker-entrypoint-initdb.d, after schema.sql and data.sql; on MariaDB run it by hand.
-- mysql_native_password on purpose: Canal 1.1.7's MySQL driver only does the fast path of
-- caching_sha2_password (MySQL 8's default), so its first login after a server start fails
-- (alibaba/canal#1700, #5301). The password is given as that plugin's hash, '*' + SHA1(SHA1('canal'))
-- in hex, because `WITH plugin AS 'hash'` is the one spelling MySQL 8.0 and MariaDB both accept
-- (MariaDB rejects `WITH mysql_native_password BY 'canal'`). The password is: canal.
CREATE USER IF NOT EXISTS 'canal'@'%' IDENTIFIED WITH mysql_native_password AS '*E3619321C1A937C46A0D8BD1DAC39F93B27D4458';
GRANT SELECT, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'canal'@'%';

-- The account Canal uses to pose as a MySQL replica: it reads table metadata (SELECT) and asks for the
-- binlog stream (REPLICATION SLAVE, REPLICATION CLIENT), nothing more. Run once by MySQL 8's
-- /docker-entrypoint-initdb.d in the compose stack, after schema.sql and data.sql.
-- mysql_native_password on purpose: Canal 1.1.7's MySQL driver only does the fast path of
-- caching_sha2_password (MySQL 8's default), so its first login after a server start fails
-- (alibaba/canal#1700, #5301). Not for MySQL 8.4+, where that plugin is off by default.
CREATE USER IF NOT EXISTS 'canal'@'%' IDENTIFIED WITH mysql_native_password BY 'canal';
GRANT SELECT, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'canal'@'%';

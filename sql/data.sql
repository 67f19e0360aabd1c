-- Seed data: 1,000 articles and the admin user. The rows come from a cross join of three digit
-- tables (0..999) rather than a recursive CTE: both H2 (MySQL mode) and MySQL 8 run it, and it
-- never meets MySQL's cte_max_recursion_depth. Run once on an empty database.

INSERT INTO article (title, summary, content, author, view_count, like_count, status)
SELECT CONCAT('Article ', n),
       CONCAT('Summary of article ', n),
       CONCAT('Content of article ', n, '. Cache patterns measured against the same data.'),
       CONCAT('author', MOD(n, 20) + 1),
       MOD(n * 37, 1000),
       MOD(n * 13, 100),
       1
FROM (
  SELECT h.d * 100 + t.d * 10 + u.d + 1 AS n
  FROM (SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
        UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) h
  CROSS JOIN
       (SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
        UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) t
  CROSS JOIN
       (SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
        UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) u
) seq
ORDER BY n;

INSERT INTO app_user (phone, nickname, role) VALUES ('13800000000', 'admin', 'ADMIN');

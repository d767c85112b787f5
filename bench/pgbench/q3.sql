-- pgbench script written by bench/run (do not edit): the SQL statements hasone
-- issued for one Q3 (100 users, profile -> user -> project) request, 3 statements; one pgbench transaction
-- stands for one GraphQL request. bench/run runs it as
--   pgbench -n -M prepared -c CONNECTIONS -j THREADS -T DURATION -f q3.sql
-- (hasone's sqlx prepares and caches each statement too).
--
-- How it is captured: bench/run starts a second hasone (release build) on a
-- copy of the seeded database that has `ALTER DATABASE ... SET log_statement =
-- 'all'`, POSTs the workload's document (bench/queries/hasone/q3.graphql)
-- 5 times one request at a time, and reads PostgreSQL's log: each
-- `LOG: execute sqlx_s_N: <statement>` line of a request is copied here with the
-- values of its `DETAIL: parameters: $1 = '...'` line written in for $1, $2, ...
-- (quoted as logged; PostgreSQL casts them as it did the parameters). Of the
-- 5 requests the one with the fewest statements is kept: hasone batches
-- the keys gathered within its dataloader window, and a request that misses the
-- window sends one level's batch as two statements. hasone sends the batches
-- of one level concurrently on several pool connections; pgbench sends them one
-- after another on one connection.
SELECT "users"."id", "users"."name", "users"."email", "users"."handle" FROM "users" ORDER BY "users"."id" ASC LIMIT '101';
SELECT "profiles"."id", "profiles"."user_id", "profiles"."bio", "profiles"."visibility" FROM "profiles" WHERE "profiles"."user_id" IN ('1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '14', '15', '16', '17', '18', '19', '20', '21', '22', '23', '24', '25', '26', '27', '28', '29', '30', '31', '32', '33', '34', '35', '36', '37', '38', '39', '40', '41', '42', '43', '44', '45', '46', '47', '48', '49', '50', '51', '52', '53', '54', '55', '56', '57', '58', '59', '60', '61', '62', '63', '64', '65', '66', '67', '68', '69', '70', '71', '72', '73', '74', '75', '76', '77', '78', '79', '80', '81', '82', '83', '84', '85', '86', '87', '88', '89', '90', '91', '92', '93', '94', '95', '96', '97', '98', '99', '100') ORDER BY "profiles"."id" ASC;
SELECT "projects"."id", "projects"."owner_id", "projects"."name", "projects"."archived" FROM "projects" WHERE "projects"."owner_id" IN ('1', '2', '3', '4', '6', '7', '8', '9', '11', '12', '13', '14', '16', '17', '18', '19', '21', '22', '23', '24', '26', '27', '28', '29', '31', '32', '33', '34', '36', '37', '38', '39', '41', '42', '43', '44', '46', '47', '48', '49', '51', '52', '53', '54', '56', '57', '58', '59', '61', '62', '63', '64', '66', '67', '68', '69', '71', '72', '73', '74', '76', '77', '78', '79', '81', '82', '83', '84', '86', '87', '88', '89', '91', '92', '93', '94', '96', '97', '98', '99') AND "projects"."archived" = 'f' ORDER BY "projects"."id" ASC;

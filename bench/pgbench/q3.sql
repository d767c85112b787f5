-- pgbench script written by bench/run (do not edit): the SQL statements hasone
-- issued for one Q3 (100 users, profile -> user -> project) request, 4 statements; one pgbench transaction
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
SELECT "profiles"."id", "profiles"."user_id", "profiles"."bio", "profiles"."visibility" FROM "profiles" WHERE "profiles"."user_id" IN ('50', '15', '38', '91', '94', '5', '49', '64', '6', '48', '69', '76', '84', '86', '96', '98', '87', '45', '60', '7', '47', '74', '53', '39', '77', '79', '89', '28', '61', '4', '85', '40', '56', '1', '78', '44', '20', '46', '24', '9', '23', '18', '22', '58', '88', '83', '99', '14', '33', '42', '52', '16', '43', '62', '66', '3', '25', '54', '65', '75', '59', '11', '35', '21', '27', '30', '57', '72', '10', '82', '100', '36', '55', '63', '2', '71', '92', '68', '37', '81', '95', '13', '97', '17', '32', '70', '67', '80', '12', '41', '51', '26', '73', '34', '31', '8', '19', '90', '29', '93') ORDER BY "profiles"."id" ASC;
SELECT "users"."id", "users"."name", "users"."email", "users"."handle" FROM "users" WHERE "users"."id" IN ('79', '64', '22', '34', '66', '51', '58', '88', '78', '61', '28', '33', '8', '39', '63', '27', '74', '96', '21', '43', '3', '46', '44', '72', '13', '7', '47', '37', '2', '84', '93', '94', '97', '56', '9', '6', '18', '57', '29', '38', '68', '53', '87', '49', '23', '12', '24', '89', '81', '99', '76', '82', '59', '52', '71', '86', '14', '19', '32', '48', '1', '92', '67', '73', '83', '4', '17', '54', '41', '98', '26', '11', '31', '62', '69', '77', '36', '91', '42', '16') ORDER BY "users"."id" ASC;
SELECT "projects"."id", "projects"."owner_id", "projects"."name", "projects"."archived" FROM "projects" WHERE "projects"."owner_id" IN ('12', '14', '41', '29', '1', '36', '39', '83', '23', '76', '3', '66', '91', '38', '97', '54', '62', '79', '52', '73', '42', '24', '53', '21', '19', '33', '8', '68', '16', '26', '81', '88', '6', '28', '69', '47', '64', '84', '72', '56', '87', '77', '89', '92', '96', '4', '86', '7', '22', '32', '46', '63', '82', '17', '61', '59', '94', '43', '78', '2', '57', '74', '9', '34', '48', '13', '51', '11', '27', '37', '67', '71', '18', '98', '93', '99', '31', '58', '44', '49') AND "projects"."archived" = 'f' ORDER BY "projects"."id" ASC;

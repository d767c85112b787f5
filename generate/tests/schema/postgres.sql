-- The shop of sqlite.sql, in PostgreSQL.
CREATE TABLE customers (
    id SERIAL PRIMARY KEY,
    name TEXT NOT NULL
);
-- A native enum whose values are no GraphQL names.
CREATE TYPE rating AS ENUM ('G', 'PG-13', '1st', 'a b');
CREATE TABLE customer_profiles (
    id SERIAL PRIMARY KEY,
    customer_id INTEGER UNIQUE REFERENCES customers (id) ON DELETE SET NULL,
    bio TEXT NOT NULL,
    rating rating
);
CREATE TABLE carts (
    id SERIAL PRIMARY KEY,
    customer_id INTEGER NOT NULL UNIQUE REFERENCES customers (id) ON DELETE CASCADE,
    items INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE customer_settings (
    customer_id INTEGER PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    theme TEXT NOT NULL
);
CREATE TABLE orders (
    id SERIAL PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    total INTEGER NOT NULL
);
CREATE TABLE employees (
    id SERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    mentor_id INTEGER UNIQUE REFERENCES employees (id) ON DELETE SET NULL
);
CREATE TABLE stores (
    id SERIAL PRIMARY KEY,
    region TEXT NOT NULL,
    code TEXT NOT NULL,
    manager_id INTEGER UNIQUE REFERENCES employees (id) ON DELETE SET NULL,
    deputy_id INTEGER UNIQUE REFERENCES employees (id) ON DELETE SET NULL,
    UNIQUE (region, code)
);
CREATE TABLE store_audits (
    id SERIAL PRIMARY KEY,
    region TEXT NOT NULL,
    code TEXT NOT NULL,
    passed BOOLEAN NOT NULL,
    UNIQUE (region, code),
    FOREIGN KEY (region, code) REFERENCES stores (region, code)
);
CREATE TABLE audit_log (
    message TEXT NOT NULL,
    logged_at TEXT NOT NULL
);

INSERT INTO customers (id, name) VALUES (1, 'Ada'), (2, 'Grace'), (3, 'Edsger');
INSERT INTO customer_profiles (id, customer_id, bio, rating) VALUES (1, 1, 'first', 'PG-13'), (2, NULL, 'spare', NULL);
INSERT INTO carts (id, customer_id, items) VALUES (1, 1, 3), (2, 2, 0);
INSERT INTO customer_settings (customer_id, theme) VALUES (1, 'dark');
INSERT INTO orders (id, customer_id, total) VALUES (1, 1, 10), (2, 1, 20);
INSERT INTO employees (id, name, mentor_id) VALUES (1, 'Barbara', NULL), (2, 'Ken', 1), (3, 'Dennis', NULL);
INSERT INTO stores (id, region, code, manager_id, deputy_id) VALUES (1, 'north', 'n1', 1, 2), (2, 'south', 's1', 3, NULL);
INSERT INTO store_audits (id, region, code, passed) VALUES (1, 'north', 'n1', TRUE);
INSERT INTO audit_log (message, logged_at) VALUES ('created', '2026-12-01');
SELECT setval(pg_get_serial_sequence(t, 'id'), 100) FROM unnest(ARRAY['customers', 'customer_profiles', 'carts', 'orders', 'employees', 'stores', 'store_audits']) AS t;

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
-- Types hasone serves as read-only text, a domain with a CHECK.
CREATE DOMAIN positive_int AS INTEGER CHECK (VALUE > 0);
CREATE TABLE gadgets (
    id SERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    warranty INTERVAL,
    ip INET,
    net CIDR,
    mac MACADDR,
    tags TEXT[],
    scores INTEGER[],
    spec XML,
    price MONEY,
    flags BIT(4),
    words TSVECTOR,
    spot POINT,
    stock positive_int,
    opens TIMETZ
);
-- A composite primary key: served read-only.
CREATE TABLE shelf_slots (
    shelf INTEGER NOT NULL,
    slot INTEGER NOT NULL,
    label TEXT,
    PRIMARY KEY (shelf, slot)
);
-- A view and a materialized view: read-only.
CREATE VIEW customer_names AS SELECT id, name FROM customers;
-- A partitioned table: served once, read-write; its partitions are not
-- tables of their own.
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    note TEXT NOT NULL
) PARTITION BY RANGE (id);
CREATE TABLE events_low PARTITION OF events FOR VALUES FROM (0) TO (1000);
CREATE TABLE events_high PARTITION OF events FOR VALUES FROM (1000) TO (1000000);
-- A second schema, read with `--database-schema public,billing`: a
-- one-to-one to `public.customers`, and a table name `public` has too.
CREATE SCHEMA billing;
CREATE TABLE billing.accounts (
    id SERIAL PRIMARY KEY,
    customer_id INTEGER UNIQUE REFERENCES public.customers (id) ON DELETE SET NULL,
    balance INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE billing.orders (
    id SERIAL PRIMARY KEY,
    amount INTEGER NOT NULL
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
INSERT INTO gadgets (id, name, warranty, ip, net, mac, tags, scores, spec, price, flags, words, spot, stock, opens) VALUES
    (1, 'lamp', '1 year 2 mons', '192.168.0.1', '10.0.0.0/8', '08:00:2b:01:02:03', ARRAY['a', NULL, 'b c'], ARRAY[1, NULL, 3], '<spec size="2"/>', 12.5, B'1010', 'quick fox', '(1,2)', 4, '08:30:00+02'),
    (2, 'bare', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO billing.accounts (id, customer_id, balance) VALUES (1, 2, 40), (2, NULL, 0);
SELECT setval('billing.accounts_id_seq', 100);
INSERT INTO shelf_slots (shelf, slot, label) VALUES (1, 1, 'top'), (1, 2, NULL), (2, 1, 'low');
INSERT INTO events (id, note) VALUES (1, 'early'), (5000, 'late');
CREATE MATERIALIZED VIEW order_totals AS SELECT customer_id, SUM(total) AS total FROM orders GROUP BY customer_id;
SELECT setval(pg_get_serial_sequence(t, 'id'), 100) FROM unnest(ARRAY['customers', 'customer_profiles', 'carts', 'orders', 'employees', 'stores', 'store_audits', 'gadgets']) AS t;

-- A shop with every kind of relation `hasone generate` must sort out.
CREATE TABLE customers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL
);
-- A nullable unique foreign key.
CREATE TABLE customer_profiles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id INTEGER UNIQUE REFERENCES customers (id) ON DELETE SET NULL,
    bio TEXT NOT NULL
);
-- A NOT NULL unique foreign key.
CREATE TABLE carts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id INTEGER NOT NULL UNIQUE REFERENCES customers (id) ON DELETE CASCADE,
    items INTEGER NOT NULL DEFAULT 0
);
-- A shared primary key.
CREATE TABLE customer_settings (
    customer_id INTEGER PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    theme TEXT NOT NULL
);
-- One-to-many: not an association.
CREATE TABLE orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    total INTEGER NOT NULL
);
-- A self-reference.
CREATE TABLE employees (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    mentor_id INTEGER UNIQUE REFERENCES employees (id) ON DELETE SET NULL
);
-- Two foreign keys to the same target.
CREATE TABLE stores (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    region TEXT NOT NULL,
    code TEXT NOT NULL,
    manager_id INTEGER UNIQUE REFERENCES employees (id) ON DELETE SET NULL,
    deputy_id INTEGER UNIQUE REFERENCES employees (id) ON DELETE SET NULL,
    UNIQUE (region, code)
);
-- A composite foreign key.
CREATE TABLE store_audits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    region TEXT NOT NULL,
    code TEXT NOT NULL,
    passed INTEGER NOT NULL,
    UNIQUE (region, code),
    FOREIGN KEY (region, code) REFERENCES stores (region, code)
);
-- No primary key.
CREATE TABLE audit_log (
    message TEXT NOT NULL,
    logged_at TEXT NOT NULL
);
-- A composite primary key: served read-only.
CREATE TABLE shelf_slots (
    shelf INTEGER NOT NULL,
    slot INTEGER NOT NULL,
    label TEXT,
    PRIMARY KEY (shelf, slot)
);
-- A view: read-only.
CREATE VIEW customer_names AS SELECT id, name FROM customers;

INSERT INTO customers (id, name) VALUES (1, 'Ada'), (2, 'Grace'), (3, 'Edsger');
INSERT INTO customer_profiles (id, customer_id, bio) VALUES (1, 1, 'first'), (2, NULL, 'spare');
INSERT INTO carts (id, customer_id, items) VALUES (1, 1, 3), (2, 2, 0);
INSERT INTO customer_settings (customer_id, theme) VALUES (1, 'dark');
INSERT INTO orders (id, customer_id, total) VALUES (1, 1, 10), (2, 1, 20);
INSERT INTO employees (id, name, mentor_id) VALUES (1, 'Barbara', NULL), (2, 'Ken', 1), (3, 'Dennis', NULL);
INSERT INTO stores (id, region, code, manager_id, deputy_id) VALUES (1, 'north', 'n1', 1, 2), (2, 'south', 's1', 3, NULL);
INSERT INTO store_audits (id, region, code, passed) VALUES (1, 'north', 'n1', 1);
INSERT INTO audit_log (message, logged_at) VALUES ('created', '2026-12-01');
INSERT INTO shelf_slots (shelf, slot, label) VALUES (1, 1, 'top'), (1, 2, NULL), (2, 1, 'low');

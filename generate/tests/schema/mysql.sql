-- The shop of sqlite.sql, in MariaDB/MySQL, with the narrow unsigned keys
-- that are the norm there (SMALLINT UNSIGNED customers, TINYINT UNSIGNED
-- employees: u16 and u8 in the entities).
CREATE TABLE customers (
    id SMALLINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(64) NOT NULL
);
CREATE TABLE customer_profiles (
    id INT AUTO_INCREMENT PRIMARY KEY,
    customer_id SMALLINT UNSIGNED UNIQUE,
    bio VARCHAR(255) NOT NULL,
    -- A native enum whose values are no GraphQL names.
    rating ENUM('G', 'PG-13', '1st', 'a b') NULL,
    FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE SET NULL
);
CREATE TABLE carts (
    id INT AUTO_INCREMENT PRIMARY KEY,
    customer_id SMALLINT UNSIGNED NOT NULL UNIQUE,
    items INT NOT NULL DEFAULT 0,
    FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE
);
CREATE TABLE customer_settings (
    customer_id SMALLINT UNSIGNED PRIMARY KEY,
    theme VARCHAR(16) NOT NULL,
    FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE
);
CREATE TABLE orders (
    id INT AUTO_INCREMENT PRIMARY KEY,
    customer_id SMALLINT UNSIGNED NOT NULL,
    total INT NOT NULL,
    FOREIGN KEY (customer_id) REFERENCES customers (id)
);
CREATE TABLE employees (
    id TINYINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(64) NOT NULL,
    mentor_id TINYINT UNSIGNED UNIQUE,
    FOREIGN KEY (mentor_id) REFERENCES employees (id) ON DELETE SET NULL
);
CREATE TABLE stores (
    id INT AUTO_INCREMENT PRIMARY KEY,
    region VARCHAR(32) NOT NULL,
    code VARCHAR(32) NOT NULL,
    manager_id TINYINT UNSIGNED UNIQUE,
    deputy_id TINYINT UNSIGNED UNIQUE,
    UNIQUE (region, code),
    FOREIGN KEY (manager_id) REFERENCES employees (id) ON DELETE SET NULL,
    FOREIGN KEY (deputy_id) REFERENCES employees (id) ON DELETE SET NULL
);
CREATE TABLE store_audits (
    id INT AUTO_INCREMENT PRIMARY KEY,
    region VARCHAR(32) NOT NULL,
    code VARCHAR(32) NOT NULL,
    passed BOOLEAN NOT NULL,
    UNIQUE (region, code),
    FOREIGN KEY (region, code) REFERENCES stores (region, code)
);
CREATE TABLE audit_log (
    message VARCHAR(255) NOT NULL,
    logged_at VARCHAR(32) NOT NULL
);
-- Types hasone serves as read-only text; a MEDIUMINT key.
CREATE TABLE gadgets (
    id MEDIUMINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(64) NOT NULL,
    sizes SET('s', 'm', 'l') NULL,
    flags BIT(4) NULL,
    spot POINT NULL,
    stock MEDIUMINT NULL
);
-- A composite primary key: served read-only.
CREATE TABLE shelf_slots (
    shelf INT NOT NULL,
    slot INT NOT NULL,
    label VARCHAR(32),
    PRIMARY KEY (shelf, slot)
);
-- A view: read-only.
CREATE VIEW customer_names AS SELECT id, name FROM customers;

INSERT INTO customers (id, name) VALUES (1, 'Ada'), (2, 'Grace'), (3, 'Edsger');
INSERT INTO customer_profiles (id, customer_id, bio, rating) VALUES (1, 1, 'first', 'PG-13'), (2, NULL, 'spare', NULL);
INSERT INTO carts (id, customer_id, items) VALUES (1, 1, 3), (2, 2, 0);
INSERT INTO customer_settings (customer_id, theme) VALUES (1, 'dark');
INSERT INTO orders (id, customer_id, total) VALUES (1, 1, 10), (2, 1, 20);
INSERT INTO employees (id, name, mentor_id) VALUES (1, 'Barbara', NULL), (2, 'Ken', 1), (3, 'Dennis', NULL);
INSERT INTO stores (id, region, code, manager_id, deputy_id) VALUES (1, 'north', 'n1', 1, 2), (2, 'south', 's1', 3, NULL);
INSERT INTO store_audits (id, region, code, passed) VALUES (1, 'north', 'n1', TRUE);
INSERT INTO audit_log (message, logged_at) VALUES ('created', '2026-12-01');
INSERT INTO gadgets (id, name, sizes, flags, spot, stock) VALUES (1, 'lamp', 's,l', b'1010', POINT(1, 2), -4), (2, 'bare', NULL, NULL, NULL, NULL);
INSERT INTO shelf_slots (shelf, slot, label) VALUES (1, 1, 'top'), (1, 2, NULL), (2, 1, 'low');

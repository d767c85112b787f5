-- The names of hostile-sqlite.sql in MariaDB/MySQL (backticks doubled in a
-- name), the case-only table clash SQLite cannot hold (`self` and `Self`),
-- and MariaDB's narrow and unsigned integer keys.
CREATE TABLE `self` (
    id INT AUTO_INCREMENT PRIMARY KEY,
    `type` VARCHAR(64) NOT NULL,
    `__typename` VARCHAR(64)
);
CREATE TABLE `crate` (
    id INT AUTO_INCREMENT PRIMARY KEY,
    `self id` INT UNIQUE,
    `match` INT NOT NULL DEFAULT 0,
    FOREIGN KEY (`self id`) REFERENCES `self` (id) ON DELETE SET NULL
);
CREATE TABLE `type` (
    id INT AUTO_INCREMENT PRIMARY KEY,
    `fn` VARCHAR(64),
    `display name` VARCHAR(64),
    `Self` VARCHAR(64)
);
CREATE TABLE `quo"ted | ``md`` */ <b>x</b>` (
    id INT AUTO_INCREMENT PRIMARY KEY,
    note VARCHAR(64)
);
CREATE TABLE `notes
fn hasone_injected_table() {}` (
    id INT AUTO_INCREMENT PRIMARY KEY,
    body VARCHAR(64)
);
CREATE TABLE owners (
    id INT AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(64) NOT NULL
);
CREATE TABLE pets (
    id INT AUTO_INCREMENT PRIMARY KEY,
    `owner_id
fn hasone_injected() {}
//` INT UNIQUE,
    FOREIGN KEY (`owner_id
fn hasone_injected() {}
//`) REFERENCES owners (id)
);
CREATE TABLE `super` (id INT AUTO_INCREMENT PRIMARY KEY);
CREATE TABLE `mod` (id INT AUTO_INCREMENT PRIMARY KEY);
CREATE TABLE `2fa` (id INT AUTO_INCREMENT PRIMARY KEY);
CREATE TABLE `__` (id INT AUTO_INCREMENT PRIMARY KEY);
CREATE TABLE `café` (id INT AUTO_INCREMENT PRIMARY KEY);
CREATE TABLE digits (id INT AUTO_INCREMENT PRIMARY KEY, `2col` INT);
CREATE TABLE underscores (id INT AUTO_INCREMENT PRIMARY KEY, `__` VARCHAR(64));
CREATE TABLE accents (id INT AUTO_INCREMENT PRIMARY KEY, `prénom` VARCHAR(64));
CREATE TABLE generations (id INT AUTO_INCREMENT PRIMARY KEY, `gen` INT);
CREATE TABLE supers (id INT AUTO_INCREMENT PRIMARY KEY, `super` INT);
CREATE TABLE ids (code VARCHAR(16) PRIMARY KEY, id INT);
CREATE TABLE user_profiles (id INT AUTO_INCREMENT PRIMARY KEY);
CREATE TABLE `UserProfiles` (id INT AUTO_INCREMENT PRIMARY KEY);
CREATE TABLE strings (id INT AUTO_INCREMENT PRIMARY KEY);
CREATE TABLE queries (id INT AUTO_INCREMENT PRIMARY KEY);
CREATE TABLE small_keys (id SMALLINT PRIMARY KEY, label VARCHAR(64));
CREATE TABLE tiny_keys (id TINYINT PRIMARY KEY, label VARCHAR(64));
CREATE TABLE medium_keys (id MEDIUMINT PRIMARY KEY, label VARCHAR(64));
CREATE TABLE unsigned_keys (id INT UNSIGNED PRIMARY KEY, label VARCHAR(64));
CREATE TABLE `Self` (id INT AUTO_INCREMENT PRIMARY KEY);

INSERT INTO `self` (`type`, `__typename`) VALUES ('first', 'mine');
INSERT INTO `crate` (`self id`, `match`) VALUES (1, 7);
INSERT INTO `quo"ted | ``md`` */ <b>x</b>` (note) VALUES ('quoted');
INSERT INTO `type` (`fn`, `display name`, `Self`) VALUES ('f', 'shown', 'me');

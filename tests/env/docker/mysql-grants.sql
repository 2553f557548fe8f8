-- Run once by the mysql:8.4 image on first start (docker-compose.yml). The image already created
-- database cdc_test and user cdc with all rights on it; add what a binlog reader needs.
-- mysql_native_password: libmariadb (the agent's client library) then needs neither TLS nor the
-- server's RSA key to log in; the server enables the plugin through --mysql-native-password=ON.
ALTER USER 'cdc'@'%' IDENTIFIED WITH mysql_native_password BY 'cdc';
GRANT REPLICATION SLAVE, REPLICATION CLIENT, SELECT, RELOAD, SHOW DATABASES ON *.* TO 'cdc'@'%';

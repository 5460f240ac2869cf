module.exports = require('./testDatabaseRun').globalTeardown;

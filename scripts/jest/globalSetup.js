module.exports = require('./testDatabaseRun').globalSetup;

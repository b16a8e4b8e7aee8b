// Imported first by bin/mailserver.js: disk work (fsync of files and directories) runs on
// libuv's thread pool, and its default of 4 threads would cap concurrent deliveries at 4
// fsyncs (DESIGN.md "size it with UV_THREADPOOL_SIZE"). Must run before the pool is first used.
process.env.UV_THREADPOOL_SIZE ??= '64';

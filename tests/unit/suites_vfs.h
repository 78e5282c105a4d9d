/* Check suites owned by: vfs. */
#define ZC_SUITES_VFS(X) X(vfs_suite)

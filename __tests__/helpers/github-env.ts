// @actions/github reads the run id and attempt once, when first imported: set them before any test file loads.
process.env.GITHUB_REPOSITORY = 'octo-org/octo-repo';
process.env.GITHUB_RUN_ID = '1658821493';
process.env.GITHUB_RUN_ATTEMPT = '2';

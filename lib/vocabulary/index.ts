/**
 * The project's vocabulary, defined once: data classes and their tags, KMS duties, and the secure
 * defaults every store and key starts from. `data-classes` and `kms-duties` are free of CDK (the
 * Config-rule Lambda imports them directly); `secure-defaults` needs aws-cdk-lib.
 */
export * from './data-classes';
export * from './kms-duties';
export * from './secure-defaults';

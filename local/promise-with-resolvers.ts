/**
 * `aws-local-stepfunctions` needs `Promise.withResolvers` (Node 22). `npm start` runs on Node 22
 * (the `node` devDependency); this keeps `npm start` working on a plain Node 20 too.
 * Local runtime only: Lambda runs Node 22.
 */
interface PromiseWithResolversPolyfill {
  withResolvers?: <T>() => { promise: Promise<T>; resolve: (value: T) => void; reject: (reason?: unknown) => void };
}

const promiseConstructor = Promise as unknown as PromiseWithResolversPolyfill;
promiseConstructor.withResolvers ??= <T>() => {
  let resolve!: (value: T) => void;
  let reject!: (reason?: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

export {};

/**
 * Types for the npm `espeak-ng` package: an Emscripten MODULARIZE factory around the espeak-ng
 * command line program (the package ships no types).
 */
declare module 'espeak-ng' {
  /** The Emscripten in-memory file system, as far as voxstate uses it. */
  export interface EspeakFs {
    writeFile(path: string, data: string | Uint8Array): void;
    readFile(path: string): Uint8Array;
    unlink(path: string): void;
  }
  /** The initialized module. */
  export interface EspeakModule {
    FS: EspeakFs;
  }
  /** Module overrides accepted by the factory. */
  export interface EspeakModuleArgs {
    arguments?: string[];
    noInitialRun?: boolean;
    print?: (line: string) => void;
    printErr?: (line: string) => void;
    quit?: (status: number, toThrow: unknown) => void;
    /** Emscripten hands over its imports; call `receive` with the instance and module. */
    instantiateWasm?: (
      imports: object,
      receive: (instance: object, module: object) => void,
    ) => object;
  }
  const factory: (args?: EspeakModuleArgs) => Promise<EspeakModule>;
  export default factory;
}

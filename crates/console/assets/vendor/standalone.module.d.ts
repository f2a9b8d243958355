// Type declarations for htm's `preact/standalone.module.js` (Preact + hooks + htm
// in one ES module), written for Kasa's console: only what the bundle exports,
// typed loosely where Preact's own types would need the `preact` package.

/** A virtual DOM node (opaque to the console). */
export interface VNode {
  type: unknown;
  props: Record<string, unknown>;
}

/** What a component may render. */
export type Renderable = VNode | VNode[] | string | number | boolean | null | undefined | Renderable[];

/** Creates a VNode. */
export function h(type: unknown, props: Record<string, unknown> | null, ...children: unknown[]): VNode;
/** htm bound to `h`: tagged templates into VNodes. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): any;
/** Renders `tree` into `parent`. */
export function render(tree: unknown, parent: Element): void;
/** Preact's class component base. */
export class Component<P = Record<string, unknown>, S = Record<string, unknown>> {
  constructor(props?: P);
  props: P;
  state: S;
  setState(update: Partial<S> | ((s: S) => Partial<S>)): void;
  forceUpdate(): void;
}

type Dispatch<A> = (value: A) => void;
type SetStateAction<S> = S | ((previous: S) => S);
type Inputs = ReadonlyArray<unknown>;
type EffectCallback = () => void | (() => void) | undefined;

export function createContext<T>(value: T): { Provider: unknown; Consumer: unknown };
export function useState<S>(initial: S | (() => S)): [S, Dispatch<SetStateAction<S>>];
export function useReducer<S, A>(reducer: (state: S, action: A) => S, initial: S): [S, Dispatch<A>];
export function useEffect(effect: EffectCallback, inputs?: Inputs): void;
export function useLayoutEffect(effect: EffectCallback, inputs?: Inputs): void;
export function useRef<T>(initial: T): { current: T };
export function useImperativeHandle<T>(ref: { current: T | null } | null, create: () => T, inputs?: Inputs): void;
export function useMemo<T>(factory: () => T, inputs: Inputs | undefined): T;
export function useCallback<T extends (...args: any[]) => any>(callback: T, inputs: Inputs): T;
export function useContext<T>(context: unknown): T;
export function useDebugValue<T>(value: T, format?: (value: T) => unknown): void;
export function useErrorBoundary(callback?: (error: unknown) => void): [unknown, () => void];

import { getMetadataStorage } from 'class-validator';
import { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import type { Settings } from '@wix-pos-gateway/pos-sdk';
import { ConfigSource } from './sources';

/** One environment variable as the reference shows it. */
export interface Variable {
  name: string;
  /** Undefined: unset unless given. */
  default?: string;
  /** Without a default, and not optional: the process refuses to start without it. */
  required: boolean;
  /** The default is worked out at start (the doc comment's `@default` tag describes it). */
  defaultIsComputed: boolean;
  allowed: string;
  meaning: string;
}

/**
 * The variables of a config class, in source order (the class's own, then those it inherits):
 * the default from a fresh instance (or the doc comment's `@default` tag), the allowed values
 * from its class-validator decorators, the meaning from its doc comment.
 */
export function readVariables(root: string, source: ConfigSource): Variable[] {
  const { shape } = source;
  if (typeof shape !== 'function') return readSettings(root, source, shape);
  const defaults = new shape() as Record<string, unknown>;
  const rules = getMetadataStorage().getTargetValidationMetadatas(shape, '', true, false);
  return declaredProperties(root, source, shape.name).map(({ name, doc, defaultTag }) => ({
    name,
    default: defaultTag ?? shown(defaults[name]),
    required: defaults[name] === undefined && !rules.some((rule) => isOptional(rule, name)),
    defaultIsComputed: defaultTag !== undefined,
    allowed: allowedValues(rules.filter((rule) => rule.propertyName === name)),
    meaning: doc,
  }));
}

interface Declared {
  name: string;
  doc: string;
  defaultTag?: string;
}

/**
 * An integration's settings, in source order: default, requirement and allowed values from each
 * setting's reference, the meaning from the doc comment of its property.
 */
function readSettings(
  root: string,
  source: ConfigSource,
  { constant, settings }: { constant: string; settings: Settings },
): Variable[] {
  const literal = findConstant(parse(root, source), constant);
  if (!literal) throw new Error(`const ${constant} = {…} is not in ${source.files.join(', ')}`);
  return literal.properties.filter(ts.isPropertyAssignment).map((property) => {
    const { name, doc } = describe(property);
    const setting = settings[name];
    if (!setting) throw new Error(`${constant}.${name} is declared but not exported`);
    return { ...setting.reference, name, defaultIsComputed: false, meaning: doc };
  });
}

function parse(root: string, source: ConfigSource): ts.SourceFile[] {
  return source.files.map((file) =>
    ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.ES2022, true),
  );
}

function findConstant(
  files: ts.SourceFile[],
  name: string,
): ts.ObjectLiteralExpression | undefined {
  for (const file of files) {
    for (const statement of file.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      for (const declaration of statement.declarationList.declarations) {
        const value = declaration.initializer;
        if (declaration.name.getText() === name && value && ts.isObjectLiteralExpression(value)) {
          return value;
        }
      }
    }
  }
  return undefined;
}

function declaredProperties(root: string, source: ConfigSource, shapeName: string): Declared[] {
  const files = parse(root, source);
  const declared: Declared[] = [];
  let className: string | undefined = shapeName;
  while (className) {
    const found = findClass(files, className);
    if (!found) throw new Error(`class ${className} is not in ${source.files.join(', ')}`);
    declared.push(...found.members.filter(isExposed).map(describe));
    className = baseClassName(found);
  }
  return declared;
}

function findClass(files: ts.SourceFile[], name: string): ts.ClassDeclaration | undefined {
  for (const file of files) {
    for (const statement of file.statements) {
      if (ts.isClassDeclaration(statement) && statement.name?.text === name) return statement;
    }
  }
  return undefined;
}

function baseClassName(node: ts.ClassDeclaration): string | undefined {
  const extended = node.heritageClauses?.find((c) => c.token === ts.SyntaxKind.ExtendsKeyword);
  const expression = extended?.types[0]?.expression;
  return expression && ts.isIdentifier(expression) ? expression.text : undefined;
}

function isExposed(member: ts.ClassElement): member is ts.PropertyDeclaration {
  if (!ts.isPropertyDeclaration(member)) return false;
  return (ts.getDecorators(member) ?? []).some((decorator) => {
    const call = decorator.expression;
    return ts.isCallExpression(call) && call.expression.getText() === 'Expose';
  });
}

function describe(member: ts.PropertyDeclaration | ts.PropertyAssignment): Declared {
  const docs = ts.getJSDocCommentsAndTags(member).filter(ts.isJSDoc);
  const doc = docs.map((d) => ts.getTextOfJSDocComment(d.comment) ?? '').join(' ');
  const defaultTag = docs
    .flatMap((d) => d.tags ?? [])
    .find((tag) => tag.tagName.text === 'default');
  return {
    name: member.name.getText(),
    doc: doc.replace(/\s+/g, ' ').trim(),
    defaultTag: defaultTag && ts.getTextOfJSDocComment(defaultTag.comment)?.trim(),
  };
}

function isOptional(rule: ValidationMetadata, name: string): boolean {
  return rule.propertyName === name && rule.name === 'isOptional';
}

/** A default as the environment would spell it; config defaults are strings and numbers. */
function shown(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number'
    ? String(value) || undefined
    : undefined;
}

function allowedValues(rules: ValidationMetadata[]): string {
  const constraint = (name: string): unknown =>
    rules.find((rule) => rule.name === name)?.constraints[0];
  const parts: string[] = [];
  const oneOf = constraint('isIn');
  if (Array.isArray(oneOf))
    parts.push((oneOf as string[]).map((value) => `\`${value}\``).join(', '));
  const kind = rules.some((r) => r.name === 'isInt')
    ? 'integer'
    : rules.some((r) => r.name === 'isNumber')
      ? 'number'
      : undefined;
  if (kind) parts.push(range(kind, constraint('min') as number, constraint('max') as number));
  const pattern = constraint('matches');
  if (pattern instanceof RegExp && pattern.source !== '.') parts.push(`\`${pattern.source}\``);
  const minLength = constraint('minLength');
  if (typeof minLength === 'number') {
    parts.push(minLength === 1 ? 'not empty' : `at least ${minLength} characters`);
  }
  if (rules.some((r) => r.name === 'isUrl')) parts.push('an `http://` or `https://` URL');
  return parts.join('; ') || 'text';
}

function range(kind: string, min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `${kind} ${min}–${max}`;
  if (min !== undefined) return `${kind} ≥ ${min}`;
  if (max !== undefined) return `${kind} ≤ ${max}`;
  return kind;
}

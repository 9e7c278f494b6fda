// Some Nest packages (e.g. @nestjs/throttler) are CommonJS and require() the ESM-only @nestjs/common.
// Under jest's VM modules that only works once the ESM package is fully evaluated, so load it first.
import 'reflect-metadata';
import '@nestjs/common';
import '@nestjs/core';
